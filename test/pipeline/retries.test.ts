// How the pipeline treats OpenAI failures: a user prompt whose model OpenAI does not know (404) is not retried
// and the built-in prompt runs instead; transient failures (5xx, 429 after Retry-After) are retried with capped backoff for the
// whole retry window, the system prompt taking every third try; an outage outlasting the window fails the call
// with a clear error. Window and backoff are made small through the configuration.
import t from 'tap';
import { Analysis } from '../../src/domain/analyses/analysis.entity.js';
import {
  DEFAULT_MODEL,
  SYSTEM_COMPLETE_PROMPT,
  SYSTEM_INDIVIDUAL_PROMPT,
  startStack,
  waitFor,
} from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { createTestPrompt } from '../support/prompts.js';
import {
  attemptsOf,
  callPayload,
  createTenant,
  historyOf,
  setUserPrompts,
  waitForCall,
  waitForLead,
} from '../support/calls.js';

const gaps = (times: number[]) => times.slice(1).map((at, i) => at - times[i]!);
const SHORT_RETRIES = { OPENAI_RETRY_WINDOW_SECONDS: '120', OPENAI_RETRY_MAX_BACKOFF_SECONDS: '2' };

t.test('a user prompt whose model OpenAI does not know: one request, then the built-in prompt', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const individual = await createTestPrompt(tenant, { kind: 'individual', model: 'gpt-gone-individual' });
  const complete = await createTestPrompt(tenant, { kind: 'complete', model: 'gpt-gone-complete' });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual, complete });

  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const call = await waitForCall(tenant, res.json().id);
  t.equal(call.status, 'analyzed', call.error ?? '');
  t.equal(call.promptId, SYSTEM_INDIVIDUAL_PROMPT);
  t.equal(call.promptSource, 'system');
  t.equal(call.model, DEFAULT_MODEL, 'the model the response reports');
  t.match(call.fallbackReason, /model gpt-gone-individual not found/);
  t.equal(stack.fake.count(individual), 1, 'a 404 is not retried');
  t.equal(stack.fake.requests.find((r) => r.promptKey === individual)?.model, 'gpt-gone-individual');
  t.same(
    (await attemptsOf(stack, res.json().workflowId)).filter(([name]) => name === 'extractCallAnalysis'),
    [
      ['extractCallAnalysis', 1],
      ['extractCallAnalysis', 1],
    ],
    'one attempt per prompt',
  );
  const [stored] = await tenant.em().find(Analysis, { callId: call.id });
  t.match(
    stored,
    { outcome: 'succeeded', promptSource: 'system', fallback: true, fallbackReason: /model gpt-gone-individual/ },
    'recorded as a fallback, with its reason',
  );

  const lead = await waitForLead(tenant, { id: call.lead });
  t.equal(lead.completeAnalysisPromptId, SYSTEM_COMPLETE_PROMPT, 'the complete analysis falls back the same way');
  t.equal(lead.completeAnalysisPromptSource, 'system');
  t.equal(stack.fake.count(complete), 1);
  const [fold] = await tenant.em().find(Analysis, { leadId: lead.id, kind: 'complete' });
  t.match(fold, { promptSource: 'system', fallbackReason: /model gpt-gone-complete not found/ });
});

t.test(
  'OpenAI fails once with 500: Temporal retries the activity after a backoff, the user prompt succeeds',
  async (t) => {
    const stack = await startStack(t, { env: SHORT_RETRIES });
    const tenant = await createTenant(stack);
    const flaky = await createTestPrompt(tenant, { model: 'gpt-5-mini' });
    // The answer reports a dated snapshot of the requested model, as OpenAI's do.
    stack.fake.definePrompt(flaky, { model: 'gpt-5-mini-2026-01-01' });
    stack.fake.enqueue(flaky, { status: 500 });
    await setUserPrompts(tenant, tenant.rep.user.id, { individual: flaky });

    const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
    const call = await waitForCall(tenant, res.json().id);
    t.equal(call.status, 'analyzed', call.error ?? '');
    t.match(call, {
      promptId: flaky,
      promptSource: 'user',
      promptVersion: 1,
      model: 'gpt-5-mini-2026-01-01',
      fallbackReason: null,
    });
    t.equal(stack.fake.count(flaky), 2, 'two requests: one failure, one success');
    t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 0, 'the system prompt was not needed');
    t.same(
      (await attemptsOf(stack, res.json().workflowId)).find(([name]) => name === 'extractCallAnalysis'),
      ['extractCallAnalysis', 2],
      'the second attempt of one activity (Temporal retried, not the SDK)',
    );
    const [gap] = gaps(stack.fake.requests.filter((r) => r.promptKey === flaky).map((r) => r.at));
    t.ok(gap! >= 900, `backoff between attempts: ${gap} ms`);
  },
);

t.test('429 with Retry-After: 2 → the next attempt waits about two seconds', async (t) => {
  const stack = await startStack(t, { env: SHORT_RETRIES });
  const tenant = await createTenant(stack);
  const limited = await createTestPrompt(tenant);
  stack.fake.enqueue(limited, { status: 429, headers: { 'retry-after': '2' } });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: limited });

  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const call = await waitForCall(tenant, res.json().id);
  t.equal(call.status, 'analyzed', call.error ?? '');
  t.equal(call.promptSource, 'user');
  const [gap] = gaps(stack.fake.requests.filter((r) => r.promptKey === limited).map((r) => r.at));
  // The first backoff is 1 s: a gap of ~2 s can only come from the header.
  t.ok(gap! >= 1800 && gap! < 5000, `retried after ${gap} ms`);
});

t.test('the user prompt keeps failing: the system prompt takes every third try and answers', async (t) => {
  const stack = await startStack(t, { env: SHORT_RETRIES });
  const tenant = await createTenant(stack);
  const down = await createTestPrompt(tenant);
  stack.fake.enqueue(down, ...Array.from({ length: 10 }, () => ({ status: 503 })));
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: down });

  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const call = await waitForCall(tenant, res.json().id);
  t.match(call, {
    status: 'analyzed',
    promptId: SYSTEM_INDIVIDUAL_PROMPT,
    promptSource: 'system',
    fallbackReason: new RegExp(`${down}@1 kept failing transiently`),
  });
  t.equal(stack.fake.count(down), 2, 'the user prompt had two tries first');
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 1, 'then the system prompt answered');
  t.same(
    (await attemptsOf(stack, res.json().workflowId)).filter(([name]) => name === 'extractCallAnalysis'),
    [['extractCallAnalysis', 3]],
    'all in one activity',
  );
});

t.test(
  'OpenAI answers 503 to every prompt for longer than the old budget: every call is analysed afterwards',
  async (t) => {
    const stack = await startStack(t, { env: SHORT_RETRIES });
    const tenant = await createTenant(stack);
    stack.fake.setOutage({ status: 503 });
    const started = Date.now();
    const transcripts = Array.from({ length: 5 }, (_, i) => `agent: Outage call ${i}\nlead: yes, interested`);
    const ids = await Promise.all(
      transcripts.map(async (transcript) => {
        const res = await deliverCall(
          stack.app,
          tenant.organizationId,
          tenant.secret,
          callPayload(tenant.rep.user.id, { transcript }),
        );
        t.equal(res.statusCode, 202);
        return res.json() as { id: string; workflowId: string };
      }),
    );
    // The old policy gave up after 5 tries per prompt (10 per call): wait until every call has failed 12 times.
    await waitFor(() => transcripts.every((text) => stack.fake.requests.filter((r) => r.input === text).length >= 12), {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: 'twelve failed tries per call',
    });
    const outageMs = Date.now() - started;
    stack.fake.setOutage(null);

    for (const { id } of ids) {
      const call = await waitForCall(tenant, id, ['analyzed', 'failed'], 30_000);
      t.equal(call.status, 'analyzed', call.error ?? '');
    }
    t.ok(outageMs > 20_000, `the outage lasted ${outageMs} ms`);
    const events = await historyOf(stack, ids[0]!.workflowId);
    t.ok(events.length < 40, `the history stays small however long the retries (${events.length} events)`);
  },
);

t.test('an outage longer than the retry window: the call fails with a clear error', async (t) => {
  const stack = await startStack(t, {
    env: { OPENAI_RETRY_WINDOW_SECONDS: '6', OPENAI_RETRY_MAX_BACKOFF_SECONDS: '2' },
  });
  const tenant = await createTenant(stack);
  stack.fake.setOutage({ status: 503 });
  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const call = await waitForCall(tenant, res.json().id, ['analyzed', 'failed'], 60_000);
  t.equal(call.status, 'failed');
  t.equal(call.error, 'OpenAI kept failing for the whole retry window (6 s); last error: OpenAI error 503');
  t.ok(stack.fake.count() >= 4, `retried until the window ended (${stack.fake.count()} requests)`);
});
