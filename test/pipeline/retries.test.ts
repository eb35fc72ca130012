// How the pipeline treats OpenAI failures (CONTRACT §5, issue "callAnalysisWorkflow"): an unknown prompt
// (404) is not retried and the system prompt runs instead; 5xx is retried by Temporal with backoff; 429
// waits as long as Retry-After says; a user prompt whose retries run out hands over to the system prompt.
import t from 'tap';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { storeCall } from '../../src/domain/calls/intake.js';
import type { CallAnalysisResult } from '../../src/workflows/call-analysis.js';
import { SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { activityAttempts, callPayload, createTenant, historyOf, setUserPrompts, waitForCall } from '../support/calls.js';

const gaps = (times: number[]) => times.slice(1).map((at, i) => at - times[i]!);

t.test('a user prompt OpenAI does not know: one request, then the system prompt', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: 'pmpt_gone_individual', complete: 'pmpt_gone_complete' });

  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const call = await waitForCall(tenant, res.json().id);
  t.equal(call.status, 'analyzed');
  t.equal(call.promptId, SYSTEM_INDIVIDUAL_PROMPT);
  t.equal(call.promptSource, 'system');
  t.equal(call.model, 'gpt-system-individual', 'the model the response reports');
  t.equal(stack.fake.count('pmpt_gone_individual'), 1, 'a 404 is not retried');
  t.same(activityAttempts(await historyOf(stack, res.json().workflowId)).filter(([name]) => name === 'extractCallAnalysis'), [['extractCallAnalysis', 1], ['extractCallAnalysis', 1]], 'one attempt per prompt');

  const lead = await waitFor(async () => {
    const row = await tenant.em().findOne(Lead, { id: call.lead });
    return row?.completeAnalysis ? row : null;
  }, { what: 'the complete analysis' });
  t.equal(lead.completeAnalysisPromptId, SYSTEM_COMPLETE_PROMPT, 'the complete analysis falls back the same way');
  t.equal(lead.completeAnalysisPromptSource, 'system');
  t.equal(stack.fake.count('pmpt_gone_complete'), 1);
});

t.test('OpenAI fails twice with 500: Temporal retries with backoff, the user prompt succeeds', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  stack.fake.definePrompt('pmpt_rep_flaky', { model: 'gpt-rep', version: '7' });
  stack.fake.enqueue('pmpt_rep_flaky', { status: 500 }, { status: 500 });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: 'pmpt_rep_flaky' });

  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const call = await waitForCall(tenant, res.json().id);
  t.equal(call.status, 'analyzed', call.error ?? '');
  t.equal(call.promptId, 'pmpt_rep_flaky');
  t.equal(call.promptSource, 'user');
  t.equal(call.promptVersion, '7');
  t.equal(call.model, 'gpt-rep');
  t.equal(stack.fake.count('pmpt_rep_flaky'), 3, 'three requests: two failures, one success');
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 0, 'the system prompt was not needed');
  t.same(activityAttempts(await historyOf(stack, res.json().workflowId)).find(([name]) => name === 'extractCallAnalysis'), ['extractCallAnalysis', 3], 'the third attempt of one activity (Temporal retried, not the SDK)');
  const [first, second] = gaps(stack.fake.requests.filter((r) => r.promptId === 'pmpt_rep_flaky').map((r) => r.at));
  t.ok(first! >= 900 && second! >= 1800, `backoff between attempts: ${first} ms, then ${second} ms`);
});

t.test('429 with Retry-After: 2 → the next attempt waits about two seconds', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  stack.fake.definePrompt('pmpt_rep_limited');
  stack.fake.enqueue('pmpt_rep_limited', { status: 429, headers: { 'retry-after': '2' } });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: 'pmpt_rep_limited' });

  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const call = await waitForCall(tenant, res.json().id);
  t.equal(call.status, 'analyzed', call.error ?? '');
  t.equal(call.promptSource, 'user');
  const [gap] = gaps(stack.fake.requests.filter((r) => r.promptId === 'pmpt_rep_limited').map((r) => r.at));
  // The policy's own first interval is 1 s: a gap of ~2 s can only come from the header.
  t.ok(gap! >= 1800 && gap! < 5000, `retried after ${gap} ms`);
});

t.test('retries of the user prompt run out: the system prompt gets attempts of its own', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  stack.fake.definePrompt('pmpt_rep_down');
  stack.fake.enqueue('pmpt_rep_down', { status: 503 }, { status: 503 }, { status: 503 });
  stack.fake.enqueue(SYSTEM_INDIVIDUAL_PROMPT, { status: 500 });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: 'pmpt_rep_down' });

  // Started directly with a short policy (2 attempts), as an operator may; the webhook uses the defaults.
  const call = await storeCall(tenant.em(), tenant.organizationId, callPayload(tenant.rep.user.id));
  const handle = await stack.temporal.client.workflow.start('callAnalysisWorkflow', {
    workflowId: call.workflowId,
    taskQueue: stack.config.temporal.taskQueue,
    args: [{ organizationId: tenant.organizationId, callRowId: call.id, openai: { maximumAttempts: 2, initialIntervalMs: 200 } }],
  });
  const result: CallAnalysisResult = await handle.result();
  t.match(result, { status: 'analyzed', promptId: SYSTEM_INDIVIDUAL_PROMPT, promptSource: 'system' });
  t.equal(stack.fake.count('pmpt_rep_down'), 2, 'the user prompt used its two attempts');
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 2, 'the system prompt had two attempts of its own (one failed)');
  const stored = await waitForCall(tenant, call.id);
  t.equal(stored.promptSource, 'system');
});
