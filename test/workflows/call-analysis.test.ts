// callAnalysisWorkflow's prompt fallback with stubbed activities on the real dev server: the order in which
// prompts are tried, when the system default takes over, and what is recorded when none works.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { callAnalysisWorkflow } from '../../src/workflows/call-analysis.js';
import type { CallAnalysisActivities } from '../../src/activities/call-analysis.js';
import type { ResolvedPrompt } from '../../src/domain/prompts/prompt-resolver.js';
import { FailureType } from '../../src/temporal/failure-types.js';
import { startStubWorker } from '../support/stub-worker.js';

const USER: ResolvedPrompt = { promptId: 'pmpt_user', source: 'user' };
const SYSTEM: ResolvedPrompt = { promptId: 'pmpt_system', source: 'system' };

type Extract = CallAnalysisActivities['extractCallAnalysis'];
type Failed = Parameters<CallAnalysisActivities['failCallAnalysis']>[0];

const failure = (type: string, promptId: string, message: string) =>
  ApplicationFailure.create({ type, message, details: [promptId], nonRetryable: true });

/** Runs one analysis whose OpenAI step answers with `extract`; what each stub saw comes back with the result. */
async function analyse(t: Test, candidates: ResolvedPrompt[], extract: (prompt: ResolvedPrompt) => void) {
  const tried: string[][] = [];
  const failed: Failed[] = [];
  const notified: { leadId?: string | undefined }[] = [];
  const stubs: CallAnalysisActivities = {
    beginCallAnalysis: async () => ({
      finished: false,
      candidates,
      userPromptConfigured: candidates[0]?.source === 'user',
    }),
    extractCallAnalysis: (async (input) => {
      tried.push(input.candidates.map((candidate) => candidate.promptId));
      const prompt = input.candidates[0]!;
      extract(prompt);
      return { analysisId: randomUUID(), promptId: prompt.promptId, promptSource: prompt.source };
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

t.test('a missing user prompt falls back to the system default, which the analysis then records', async (t) => {
  const run = await analyse(t, [USER, SYSTEM], (prompt) => {
    if (prompt.promptId === USER.promptId) throw failure(FailureType.PromptNotFound, USER.promptId, 'Prompt not found');
  });
  t.same(run.result, { status: 'analyzed', promptId: SYSTEM.promptId, promptSource: 'system' });
  t.same(
    run.tried,
    [[USER.promptId, SYSTEM.promptId], [SYSTEM.promptId]],
    'the user prompt first, then the system one alone',
  );
  t.same(run.failed, [], 'nothing recorded as failed');
  t.same(
    run.notified.map((n) => n.leadId),
    [run.leadId],
    'the lead is handed over with the id the starter passed',
  );
  t.same(run.metrics.analyses, [['analyzed', 'system']]);
});

t.test('when every prompt is missing, the failure names the last one tried', async (t) => {
  const run = await analyse(t, [USER, SYSTEM], (prompt) => {
    throw failure(FailureType.PromptNotFound, prompt.promptId, `Prompt ${prompt.promptId} not found`);
  });
  t.same(run.result, { status: 'failed', error: `Prompt ${SYSTEM.promptId} not found` });
  t.same(run.tried, [[USER.promptId, SYSTEM.promptId], [SYSTEM.promptId]]);
  t.match(run.failed, [
    {
      error: `Prompt ${SYSTEM.promptId} not found`,
      promptId: SYSTEM.promptId,
      promptSource: 'system',
    },
  ]);
  t.same(run.notified, [], 'no lead hand-off without an analysis');
  t.same(run.metrics.analyses, [['failed', 'system']]);
});

t.test('a definite failure other than a missing prompt does not fall back', async (t) => {
  const run = await analyse(t, [USER, SYSTEM], (prompt) => {
    throw failure(FailureType.InvalidOutput, prompt.promptId, 'The model did not answer with a JSON object');
  });
  t.same(run.tried, [[USER.promptId, SYSTEM.promptId]], 'tried once');
  t.same(run.result, { status: 'failed', error: 'The model did not answer with a JSON object' });
  t.match(run.failed, [{ promptId: USER.promptId, promptSource: 'user' }]);
});

t.test('with no prompt configured the analysis fails without calling OpenAI', async (t) => {
  const run = await analyse(t, [], () => t.fail('no OpenAI step expected'));
  t.same(run.tried, []);
  t.same(run.result, { status: 'failed', error: 'No OpenAI prompt configured' });
  t.match(run.failed, [{ error: 'No OpenAI prompt configured' }]);
  t.equal(run.failed[0]!.promptId, undefined);
  t.same(run.metrics.analyses, [['failed', 'none']]);
});
