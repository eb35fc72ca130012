// The worker is a separate OS process (`npm run worker`), killed with SIGKILL while calls are in flight at
// OpenAI, then started again: every call ends analysed, each analysed once, each folded into its lead once.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Analysis } from '../../src/domain/analyses/analysis.entity.js';
import type { CallAnalysisResult } from '../../src/workflows/call-analysis.js';
import { SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor, type Stack } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { attemptsOf, callPayload, createTenant, foldRecordOf, recordFolds, waitForLead } from '../support/calls.js';

const WORKER_MAIN = fileURLToPath(new URL('../../src/worker/main.ts', import.meta.url));
const LEADS = ['crm-dur-a', 'crm-dur-b'];
const CALLS_PER_LEAD = 3;

/** `npm run worker` as a child process, with the stack's environment; resolves once it polls. */
async function startWorkerProcess(stack: Stack) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
    // At info, so the worker says when it polls.
    env: {
      ...process.env,
      ...stack.env,
      LOG_LEVEL: 'info',
      WORKFLOW_BUNDLE_PATH: process.env.WORKFLOW_BUNDLE_PATH ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = once(child, 'exit');
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`worker exited during start-up:\n${output}`);
        return output.includes('CallSense worker polling');
      },
      { timeoutMs: 60_000, what: 'the worker process to poll' },
    );
  } catch (error) {
    child.kill('SIGKILL'); // a worker that never polled must not keep the test process alive
    throw error;
  }
  return { child, exited, output: () => output };
}

t.test('SIGKILL of the worker mid-analysis: nothing lost, nothing analysed twice', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  // Slow answers keep every extraction in flight when the worker dies.
  stack.fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT, { model: 'gpt-system-individual', delayMs: 4000 });
  recordFolds(stack);

  const first = await startWorkerProcess(stack);
  t.teardown(() => void first.child.kill('SIGKILL'));
  const deliveries = [];
  for (const lead of LEADS) {
    for (let i = 0; i < CALLS_PER_LEAD; i++) {
      const res = await deliverCall(
        stack.app,
        tenant.organizationId,
        tenant.secret,
        callPayload(tenant.rep.user.id, { callId: `${lead}-${i}`, leadExternalId: lead }),
      );
      t.equal(res.statusCode, 202, res.body);
      deliveries.push(res.json() as { id: string; workflowId: string });
    }
  }
  const total = deliveries.length;
  await waitFor(() => stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT) === total, {
    timeoutMs: 30_000,
    what: 'every extraction in flight',
  });

  first.child.kill('SIGKILL');
  const [, signal] = await first.exited;
  t.equal(signal, 'SIGKILL', 'the worker process was killed');
  const midway = await tenant.em().find(Call, {});
  t.same(
    midway.map((c) => c.status),
    Array(total).fill('analyzing'),
    'the calls were in flight when it died',
  );

  const second = await startWorkerProcess(stack);
  const stopSecond = async () => {
    if (second.child.exitCode === null && second.child.signalCode === null) second.child.kill('SIGTERM');
    await second.exited;
  };
  t.teardown(stopSecond);

  const calls = await waitFor(
    async () => {
      const rows = await tenant.em().find(Call, {});
      return rows.every((c) => c.status === 'analyzed' && c.foldedAt) ? rows : null;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: 'every call analysed and folded' },
  );
  t.equal(calls.length, total, 'no call lost, none added');
  t.ok(
    calls.every((c) => c.model === 'gpt-system-individual' && c.analysis),
    'each call has its analysis',
  );

  for (const { id, workflowId } of deliveries) {
    const result: CallAnalysisResult = await stack.temporal.client.workflow.getHandle(workflowId).result();
    t.equal(result.status, 'analyzed', `${workflowId} completed`);
    const attempts = await attemptsOf(stack, workflowId);
    t.equal(await tenant.em().count(Analysis, { callId: id, kind: 'individual' }), 1, 'the analysis recorded once');
    t.ok(
      attempts.some(([name, attempt]) => name === 'extractCallAnalysis' && attempt >= 2),
      'the killed extraction was retried on the new worker',
    );
  }

  for (const externalId of LEADS) {
    const lead = await waitForLead(
      tenant,
      { externalId },
      {
        ready: (row) => foldRecordOf(row)?.callIds.length === CALLS_PER_LEAD,
        timeoutMs: 30_000,
        what: `the fold of ${externalId}`,
      },
    );
    t.equal(lead.callCount, CALLS_PER_LEAD, `${externalId}: each call counted once`);
    const folded = foldRecordOf(lead)!.callIds;
    t.same(
      [...folded].sort(),
      Array.from({ length: CALLS_PER_LEAD }, (_, i) => `${externalId}-${i}`),
      `${externalId}: each call folded exactly once`,
    );
  }
  await stopSecond(); // before the stack's teardown drops the database under it
});
