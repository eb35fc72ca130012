// leadAnalysisWorkflow's timing logic with stubbed activities on the real dev server, with tiny timeouts:
// a burst of calls becomes one fold, a long burst is cut at its maximum wait, an idle workflow ends, a failed
// fold is retried after its backoff, and after its folds per run the workflow continues as new, keeping the
// calls that were waiting.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { leadAnalysisWorkflow, type LeadAnalysisInput } from '../../src/workflows/lead-analysis.js';
import { callAnalyzedSignal } from '../../src/workflows/definitions.js';
import type { LeadAnalysisActivities } from '../../src/activities/lead-analysis.js';
import { FailureType } from '../../src/temporal/failure-types.js';
import { leadState } from '../../src/temporal/starters.js';
import { signal, startStubWorker } from '../support/stub-worker.js';

/** Folds per run before the workflow continues as new (the workflow's own constant). */
const FOLDS_PER_RUN = 50;

interface Fold {
  callIds: string[];
  runId: string;
}

/**
 * A lead's activities over an in-memory list of analysed calls: `analysed` adds one, a fold takes them all.
 * `onFold` may throw (a failed fold); `onScored` runs while a fold is being scored (the workflow waits for it).
 */
interface StubOptions {
  onFold?: (fold: number) => void;
  onScored?: (folds: number) => Promise<void> | void;
}

function stubLead(options: StubOptions = {}) {
  const unfolded = new Set<string>();
  const folds: Fold[] = [];
  const failedFolds: { error: string; promptKey?: string | undefined }[] = [];
  let scored = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const activities: LeadAnalysisActivities = {
    prepareLeadFold: async () => ({
      pending: unfolded.size,
      candidates: [{ promptId: 'prm_systemcomplete', version: 1, source: 'system' }],
      fallbackReason: null,
    }),
    foldLeadAnalysis: async () => {
      const fold = { callIds: [...unfolded], runId: Context.current().info.workflowExecution?.runId ?? '' };
      options.onFold?.(folds.length + failedFolds.length + 1);
      folds.push(fold);
      unfolded.clear();
      return { folded: fold.callIds.length, remaining: 0 };
    },
    recordFailedFold: async (input) => void failedFolds.push({ error: input.error, promptKey: input.promptKey }),
    scoreLead: async () => {
      scored++;
      for (const waiter of waiters.filter((w) => w.count <= scored)) waiter.resolve();
      await options.onScored?.(scored);
      return null;
    },
  };
  return {
    activities,
    folds,
    failedFolds,
    analysed(callId: string) {
      unfolded.add(callId);
    },
    /** Resolves once `count` folds (failed ones included) have been scored. */
    scored(count: number): Promise<void> {
      if (scored >= count) return Promise.resolve();
      const waiter = signal();
      waiters.push({ count, resolve: waiter.resolve });
      return waiter.promise;
    },
  };
}

type StubLead = ReturnType<typeof stubLead>;

async function startLead(t: Test, lead: StubLead, input: Partial<LeadAnalysisInput>, firstCall?: string) {
  const worker = await startStubWorker(t, lead.activities);
  const args: LeadAnalysisInput = { organizationId: randomUUID(), leadId: randomUUID(), ...input };
  const workflowId = `lead-test-${randomUUID()}`;
  const options = { workflowId, taskQueue: worker.taskQueue, args: [args] as [LeadAnalysisInput] };
  let handle;
  if (firstCall) {
    lead.analysed(firstCall);
    handle = await worker.client.workflow.signalWithStart(leadAnalysisWorkflow, {
      ...options,
      signal: callAnalyzedSignal,
      signalArgs: [{ callRowId: firstCall }],
    });
  } else {
    handle = await worker.client.workflow.start(leadAnalysisWorkflow, options);
  }
  const send = async (callId: string) => {
    lead.analysed(callId);
    await handle.signal(callAnalyzedSignal, { callRowId: callId });
  };
  return { worker, handle, send };
}

t.test('a burst of calls within the quiet time becomes one fold; the idle workflow then ends', async (t) => {
  const lead = stubLead();
  const input = { debounce: { quietMs: 1500, maxWaitMs: 60_000 }, idleMs: 200 };
  const { handle, send, worker } = await startLead(t, lead, input, 'c1');
  for (const callId of ['c2', 'c3', 'c4', 'c5']) await send(callId);
  t.same(await handle.result(), { folds: 1 });
  t.same(
    lead.folds.map((fold) => fold.callIds),
    [['c1', 'c2', 'c3', 'c4', 'c5']],
    'one fold of all five calls',
  );
  t.same(worker.metrics.folds, ['folded']);
});

t.test('a burst that never goes quiet is folded once its maximum wait is over', async (t) => {
  const lead = stubLead();
  const { send } = await startLead(t, lead, { debounce: { quietMs: 1000, maxWaitMs: 1500 }, idleMs: 60_000 }, 'c0');
  let sending = true;
  const folded = lead.scored(1).then(() => {
    sending = false;
  });
  // A call every 100 ms: never a quiet second, so only the maximum wait can end the burst.
  let sent = 0;
  while (sending && sent < 60) {
    await send(`c${++sent}`);
    await Promise.race([folded, new Promise((r) => setTimeout(r, 100))]);
  }
  t.ok(!sending, `folded while calls kept arriving (${sent} sent)`);
  t.ok(sent < 60, 'before the calls stopped');
  t.ok(lead.folds[0]!.callIds.length > 1, 'the first fold took the burst so far');
});

t.test('a workflow without calls ends after its idle time', async (t) => {
  const lead = stubLead();
  const { handle } = await startLead(t, lead, { idleMs: 100 });
  t.same(await handle.result(), { folds: 0 });
  t.same(lead.folds, [], 'nothing folded');
});

t.test('a failed fold keeps the workflow alive and is retried after its backoff, without a new call', async (t) => {
  const queried = signal();
  const lead = stubLead({
    // The first scoring waits until the test has read the state, so the retry cannot have reset it yet.
    onScored: (folds) => (folds === 1 ? queried.promise : undefined),
    onFold: (attempt) => {
      if (attempt === 1) {
        throw ApplicationFailure.create({
          // Off-schema output is definite for the version; the built-in is the last in line, so the fold fails.
          type: FailureType.PromptVersionUnusable,
          message: 'The model did not answer with a JSON object',
          details: ['prm_systemcomplete@1'],
          nonRetryable: true,
        });
      }
    },
  });
  const { handle, worker } = await startLead(
    t,
    lead,
    {
      debounce: { quietMs: 10 },
      idleMs: 100,
      foldRetry: { initialMs: 300, maxMs: 1000 },
    },
    'c1',
  );
  await lead.scored(1);
  t.match(await leadState(worker.client, handle.workflowId), { failingFolds: 1 }, 'the failure is counted');
  queried.resolve();
  t.same(await handle.result(), { folds: 2 }, 'the retry folded, then the workflow went idle');
  t.same(lead.failedFolds, [
    { error: 'The model did not answer with a JSON object', promptKey: 'prm_systemcomplete@1' },
  ]);
  t.same(
    lead.folds.map((fold) => fold.callIds),
    [['c1']],
    'the retry folded the waiting call',
  );
  t.same(worker.metrics.folds, ['failed', 'folded']);
});

t.test('after its folds per run the workflow continues as new, with the calls that were waiting', async (t) => {
  let deliver: ((callId: string) => Promise<void>) | undefined;
  const lead = stubLead({
    // A call arrives while the run's last fold is being scored: the next run must fold it.
    onScored: async (folds) => {
      if (folds === FOLDS_PER_RUN) await deliver!('carried');
    },
  });
  const { handle, send } = await startLead(t, lead, { debounce: { quietMs: 10 }, idleMs: 2000 }, 'c1');
  deliver = send;
  await lead.scored(1);
  for (let i = 2; i <= FOLDS_PER_RUN; i++) {
    await send(`c${i}`);
    await lead.scored(i);
  }
  t.same(await handle.result(), { folds: 1 }, 'the last run folded once (the carried call), then went idle');
  t.equal(lead.folds.length, FOLDS_PER_RUN + 1);
  const runs = [...new Set(lead.folds.map((fold) => fold.runId))];
  t.equal(runs.length, 2, 'two runs (continue-as-new)');
  const firstRun = lead.folds.filter((fold) => fold.runId === runs[0]);
  t.equal(firstRun.length, FOLDS_PER_RUN, `${FOLDS_PER_RUN} folds in the first`);
  t.same(lead.folds.at(-1)!.callIds, ['carried'], 'the waiting call was folded by the new run');
  t.equal((await handle.describe()).runId, runs[1], 'the new run is the one that ended');
});
