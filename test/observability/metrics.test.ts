// Prometheus metrics: after a handful of calls (one falling back after OpenAI's 404 for its prompt's model, one
// retried after a 429), the API's GET /metrics and the worker's /metrics parse as Prometheus text, and the counters equal
// what the OpenAI stand-in saw; the worker's endpoint carries the Temporal SDK's own metrics as well.
import t from 'tap';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor } from '../support/harness.js';
import { addUser, deliverCall } from '../support/api.js';
import { callPayload, createTenant, setUserPrompts, waitForCall } from '../support/calls.js';
import { exampleOutput } from '../support/fake-openai.js';
import { createTestPrompt } from '../support/prompts.js';
import { histogramCount, parseMetrics, sampleSum, type Families } from '../support/prometheus.js';

t.test('API and worker metrics count what happened', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const limitedRep = await addUser(stack.app, tenant.admin);

  // Every successful answer (what the schema asks for) and its token usage, as the stand-in computes it.
  const served = { input: 0, output: 0, responses: 0 };
  const counting = (input: string, body: Record<string, unknown>) => {
    const schema = (body.text as { format: { schema: Record<string, unknown> } }).format.schema;
    const output = JSON.stringify(exampleOutput(schema, input));
    served.input += Math.ceil((String(body.instructions ?? '').length + input.length) / 4);
    served.output += Math.ceil(output.length / 4);
    served.responses++;
    return output;
  };
  stack.fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT, { respond: counting });
  stack.fake.definePrompt(SYSTEM_COMPLETE_PROMPT, { respond: counting });
  const limitedPrompt = await createTestPrompt(tenant, { createdBy: limitedRep });
  stack.fake.definePrompt(limitedPrompt, { respond: counting });
  stack.fake.enqueue(limitedPrompt, { status: 429, headers: { 'retry-after': '1' } });
  // OpenAI answers 404 for this prompt's model.
  const unknownModelPrompt = await createTestPrompt(tenant, { createdBy: tenant.rep, model: 'gpt-rep-unknown' });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: unknownModelPrompt });
  await setUserPrompts(tenant, limitedRep.user.id, { individual: limitedPrompt });

  const fallback = callPayload(tenant.rep.user.id);
  const limited = callPayload(limitedRep.user.id);
  const plain = callPayload(tenant.admin.user.id);
  const ids: string[] = [];
  for (const body of [fallback, limited, plain]) {
    const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, body);
    t.equal(res.statusCode, 202);
    ids.push(res.json().id);
  }
  t.equal((await deliverCall(stack.app, tenant.organizationId, tenant.secret, plain)).json().duplicate, true);
  t.equal(
    (await deliverCall(stack.app, tenant.organizationId, 'not-the-secret', callPayload(tenant.rep.user.id))).statusCode,
    401,
  );

  const calls = await Promise.all(ids.map((id) => waitForCall(tenant, id)));
  t.same(
    calls.map((c) => [c.status, c.promptSource]),
    [
      ['analyzed', 'system'],
      ['analyzed', 'user'],
      ['analyzed', 'system'],
    ],
  );
  await waitFor(
    async () => {
      const leads = await tenant.em().find(Lead, { id: { $in: calls.map((c) => c.lead) } });
      return leads.length === 3 && leads.every((l) => l.completeAnalysis);
    },
    { what: 'three complete analyses' },
  );

  const notFound = stack.fake.count(unknownModelPrompt);
  const rateLimited = 1;
  t.equal(notFound, 1);
  t.equal(stack.fake.requests.length, served.responses + notFound + rateLimited, 'every request is accounted for');

  // The workflows report through a sink after their task completes: wait until the last fold is in.
  const worker = stack.worker!;
  let workerMetrics: Families = parseMetrics('');
  await waitFor(
    async () => {
      const res = await fetch(worker.metricsUrl);
      if (res.status !== 200) return false;
      workerMetrics = parseMetrics(await res.text());
      return (
        sampleSum(workerMetrics, 'callsense_lead_folds_total') === 3 &&
        sampleSum(workerMetrics, 'callsense_call_analyses_total') === 3
      );
    },
    { what: 'the worker metrics to count three analyses and three folds' },
  );

  const m = workerMetrics;
  t.equal(
    sampleSum(m, 'callsense_openai_requests_total'),
    stack.fake.requests.length,
    'one count per request OpenAI saw',
  );
  t.equal(sampleSum(m, 'callsense_openai_requests_total', { outcome: 'success', status: '200' }), served.responses);
  t.equal(sampleSum(m, 'callsense_openai_requests_total', { outcome: 'model_not_found', status: '404' }), notFound);
  t.equal(sampleSum(m, 'callsense_openai_requests_total', { outcome: 'rate_limited', status: '429' }), rateLimited);
  t.equal(histogramCount(m, 'callsense_openai_request_duration_seconds'), stack.fake.requests.length);
  t.equal(
    sampleSum(m, 'callsense_openai_tokens_total', { direction: 'input' }),
    served.input,
    'input tokens as reported',
  );
  t.equal(
    sampleSum(m, 'callsense_openai_tokens_total', { direction: 'output' }),
    served.output,
    'output tokens as reported',
  );
  t.equal(sampleSum(m, 'callsense_call_analyses_total', { outcome: 'analyzed', prompt_source: 'system' }), 2);
  t.equal(sampleSum(m, 'callsense_call_analyses_total', { outcome: 'analyzed', prompt_source: 'user' }), 1);
  t.equal(sampleSum(m, 'callsense_call_analyses_total', { outcome: 'failed' }), 0);
  t.equal(sampleSum(m, 'callsense_prompt_fallbacks_total'), 1);
  t.equal(sampleSum(m, 'callsense_prompt_fallbacks_total', { kind: 'individual', reason: 'definite' }), 1);
  t.equal(sampleSum(m, 'callsense_lead_folds_total', { outcome: 'folded' }), stack.fake.count(SYSTEM_COMPLETE_PROMPT));
  t.equal(histogramCount(m, 'callsense_lead_fold_duration_seconds'), 3);
  const temporal = m.filter((f) => f.name.startsWith('temporal_'));
  t.ok(temporal.length > 0, `the Temporal SDK's metrics are there (${temporal.length} families)`);
  t.ok(sampleSum(m, 'temporal_workflow_completed_total') >= 3, 'the SDK counted the completed workflows');
  t.ok(
    histogramCount(m, 'temporal_activity_schedule_to_start_latency_seconds') > 0,
    'the latency the README alerts on',
  );
  for (const family of m.filter((f) => f.name.startsWith('callsense_'))) {
    for (const sample of family.metrics) {
      const values = Object.values(sample.labels ?? {}).join(' ');
      t.notMatch(values, tenant.organizationId, `${family.name}: no tenant id in labels`);
      t.notMatch(values, tenant.rep.user.id, `${family.name}: no user id in labels`);
    }
  }

  const apiRes = await stack.app.inject({ method: 'GET', url: '/metrics' });
  t.equal(apiRes.statusCode, 200);
  t.match(apiRes.headers['content-type'], /^text\/plain/);
  const a = parseMetrics(apiRes.body);
  t.equal(sampleSum(a, 'callsense_webhooks_total', { provider: 'callsense', result: 'accepted' }), 3);
  t.equal(sampleSum(a, 'callsense_webhooks_total', { provider: 'callsense', result: 'duplicate' }), 1);
  t.equal(
    sampleSum(a, 'callsense_webhooks_total', { provider: 'callsense', result: 'rejected', reason: 'signature' }),
    1,
  );
  const webhookRoute = { method: 'POST', route: '/api/webhooks/calls/:organizationId' };
  t.equal(
    histogramCount(a, 'callsense_http_request_duration_seconds', { ...webhookRoute, status_code: '202' }),
    4,
    'by route pattern',
  );
  t.equal(histogramCount(a, 'callsense_http_request_duration_seconds', { ...webhookRoute, status_code: '401' }), 1);
  t.notOk(apiRes.body.includes(tenant.organizationId), 'raw URLs (with ids) never become labels');
  t.equal(sampleSum(a, 'callsense_calls', { status: 'analyzed' }), 3, 'calls by status, read from the database');
  t.equal(sampleSum(a, 'callsense_calls', { status: 'queued' }), 0);
  t.notOk(
    a.some((f) => f.name.startsWith('callsense_openai_')),
    "the worker's counters are not repeated on the API",
  );

  const worker404 = await fetch(worker.metricsUrl.replace(/\/metrics$/, '/other'));
  t.equal(worker404.status, 404);
  const workerAnswer = await fetch(worker.metricsUrl);
  t.equal(workerAnswer.headers.get('x-content-type-options'), 'nosniff', 'the worker sends the security header too');
  await workerAnswer.body?.cancel();
});
