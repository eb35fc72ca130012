// callAnalysisWorkflow's prompt fallback with stubbed activities on the real dev server: the order in which
// the prompts of the resolution line are tried, the reason carried to the one that answers, and what is
// recorded when none works or when the worker has no OpenAI key.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { callAnalysisWorkflow } from '../../src/workflows/call-analysis.js';
import type { CallAnalysisActivities } from '../../src/activities/call-analysis.js';
import type { PromptCandidate } from '../../src/domain/prompts/prompt-resolver.js';
import { FailureType } from '../../src/temporal/failure-types.js';
import { startStubWorker } from '../support/stub-worker.js';

const USER: PromptCandidate = { promptId: 'prm_userprompt01', version: 3, source: 'user' };
const ORGANIZATION: PromptCandidate = { promptId: 'prm_orgdefault01', version: 1, source: 'organization' };
const SYSTEM: PromptCandidate = { promptId: 'prm_systemindividual', version: 1, source: 'system' };

const keyOf = (candidate: PromptCandidate) => `${candidate.promptId}@${candidate.version}`;

type Extract = CallAnalysisActivities['extractCallAnalysis'];
type Failed = Parameters<CallAnalysisActivities['failCallAnalysis']>[0];
type Begun = Awaited<ReturnType<CallAnalysisActivities['beginCallAnalysis']>>;

const failure = (type: string, candidate: PromptCandidate, message: string) =>
  ApplicationFailure.create({ type, message, details: [keyOf(candidate)], nonRetryable: true });

interface Try {
  candidates: string[];
  fallbackReason: string | null;
}

/** Runs one analysis whose OpenAI step answers with `extract`; what each stub saw comes back with the result. */
async function analyse(
  t: Test,
  begun: Partial<Begun> & { candidates: PromptCandidate[] },
  extract: (prompt: PromptCandidate) => void,
) {
  const tried: Try[] = [];
  const failed: Failed[] = [];
  const notified: { leadId?: string | undefined }[] = [];
  const stubs: CallAnalysisActivities = {
    beginCallAnalysis: async () => ({ finished: false, fallbackReason: null, ...begun }),
    extractCallAnalysis: (async (input) => {
      tried.push({ candidates: input.candidates.map(keyOf), fallbackReason: input.fallbackReason });
      const prompt = input.candidates[0]!;
      extract(prompt);
      return {
        analysisId: randomUUID(),
        promptId: prompt.promptId,
        promptVersion: prompt.version,
        promptSource: prompt.source,
      };
    }) satisfies Extract,
    failCallAnalysis: async (input) => void failed.push(input),
    notifyLeadWorkflow: async (input) => {
      notified.push(input);
      return 'lead-workflow';
    },
  };
  const worker = await startStubWorker(t, stubs);
  const leadId = randomUUID();
  const result = await worker.client.workflow.execute(callAnalysisWorkflow, {
    workflowId: `call-test-${randomUUID()}`,
    taskQueue: worker.taskQueue,
    args: [{ organizationId: randomUUID(), callRowId: randomUUID(), leadId, userId: randomUUID() }],
  });
  return { result, tried, failed, notified, leadId, metrics: worker.metrics };
}

t.test('a user prompt unusable for its version falls back to the built-in, which records why', async (t) => {
  const run = await analyse(t, { candidates: [USER, SYSTEM] }, (prompt) => {
    if (prompt.promptId === USER.promptId)
      throw failure(FailureType.PromptVersionUnusable, USER, 'model gpt-x not found');
  });
  t.same(run.result, { status: 'analyzed', promptId: SYSTEM.promptId, promptVersion: 1, promptSource: 'system' });
  t.same(
    run.tried,
    [
      { candidates: [keyOf(USER), keyOf(SYSTEM)], fallbackReason: null },
      { candidates: [keyOf(SYSTEM)], fallbackReason: 'model gpt-x not found' },
    ],
    'the user prompt first, then the built-in alone, told why',
  );
  t.same(run.failed, [], 'nothing recorded as failed');
  t.same(
    run.notified.map((n) => n.leadId),
    [run.leadId],
    'the lead is handed over with the id the starter passed',
  );
  t.same(run.metrics.analyses, [['analyzed', 'system']]);
});

t.test('the reasons of the resolution and of each dropped version add up, in order', async (t) => {
  const run = await analyse(
    t,
    { candidates: [USER, ORGANIZATION, SYSTEM], fallbackReason: 'an earlier step was skipped' },
    (prompt) => {
      if (prompt.source === 'user') throw failure(FailureType.PromptVersionUnusable, USER, 'model gpt-x not found');
      if (prompt.source === 'organization')
        throw failure(FailureType.PromptVersionUnusable, ORGANIZATION, 'output does not match its schema');
    },
  );
  t.same(run.result, { status: 'analyzed', promptId: SYSTEM.promptId, promptVersion: 1, promptSource: 'system' });
  t.same(
    run.tried.map((attempt) => attempt.fallbackReason),
    [
      'an earlier step was skipped',
      'an earlier step was skipped; model gpt-x not found',
      'an earlier step was skipped; model gpt-x not found; output does not match its schema',
    ],
  );
  t.same(run.tried.at(-1)!.candidates, [keyOf(SYSTEM)], 'only the built-in is left');
  t.same(run.metrics.analyses, [['analyzed', 'system']]);
});

t.test('when every prompt of the line is unusable, the failure names the last one tried', async (t) => {
  const run = await analyse(t, { candidates: [USER, SYSTEM] }, (prompt) => {
    throw failure(FailureType.PromptVersionUnusable, prompt, `model of ${keyOf(prompt)} not found`);
  });
  t.same(run.result, { status: 'failed', error: `model of ${keyOf(SYSTEM)} not found` });
  t.same(
    run.tried.map((attempt) => attempt.candidates),
    [[keyOf(USER), keyOf(SYSTEM)], [keyOf(SYSTEM)]],
  );
  t.match(run.failed, [
    {
      error: `model of ${keyOf(SYSTEM)} not found`,
      promptId: SYSTEM.promptId,
      promptVersion: SYSTEM.version,
      promptSource: 'system',
    },
  ]);
  t.same(run.notified, [], 'no lead hand-off without an analysis');
  t.same(run.metrics.analyses, [['failed', 'system']]);
});

t.test('a definite failure that is not about the version (a rejected key) does not fall back', async (t) => {
  const run = await analyse(t, { candidates: [USER, SYSTEM] }, (prompt) => {
    throw failure(FailureType.OpenAIUnauthorized, prompt, 'OpenAI rejected the API key');
  });
  t.same(
    run.tried.map((attempt) => attempt.candidates),
    [[keyOf(USER), keyOf(SYSTEM)]],
    'tried once',
  );
  t.same(run.result, { status: 'failed', error: 'OpenAI rejected the API key' });
  t.match(run.failed, [{ promptId: USER.promptId, promptVersion: USER.version, promptSource: 'user' }]);
  t.same(run.metrics.analyses, [['failed', 'user']]);
});

t.test('with no prompt to run the analysis fails without calling OpenAI', async (t) => {
  const run = await analyse(t, { candidates: [] }, () => t.fail('no OpenAI step expected'));
  t.same(run.tried, []);
  t.same(run.result, { status: 'failed', error: 'No prompt to run' });
  t.match(run.failed, [{ error: 'No prompt to run' }]);
  t.equal(run.failed[0]!.promptId, undefined);
  t.same(run.metrics.analyses, [['failed', 'none']]);
});

t.test('a worker without an OpenAI key leaves the call queued, failing nothing', async (t) => {
  const waiting = 'OpenAI is not configured: set OPENAI_API_KEY';
  const run = await analyse(t, { candidates: [], waiting }, () => t.fail('no OpenAI step expected'));
  t.same(run.result, { status: 'queued', error: waiting });
  t.same(run.tried, []);
  t.same(run.failed, [], 'nothing recorded as failed');
  t.same(run.notified, []);
  t.same(run.metrics.analyses, [], 'no analysis outcome reported');
});
