// Traces: one signed webhook produces one trace, from the API's request span through the workflow start,
// the workflow and its activities to the OpenAI HTTP request and the PostgreSQL queries. Spans are kept
// in memory here instead of going to OTEL_EXPORTER_OTLP_ENDPOINT.
import t from 'tap';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../../src/observability/tracing.js';
import { startStack, waitFor } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { callPayload, createTenant, waitForCall } from '../support/calls.js';

const exporter = new InMemorySpanExporter();
const tracing = await startTracing({ spanProcessor: new SimpleSpanProcessor(exporter), serviceName: 'callsense-test' });
t.teardown(() => tracing?.shutdown());

const scope = (span: ReadableSpan) => span.instrumentationLibrary.name;

t.test('one webhook, one trace: API → workflow → activities → OpenAI request and SQL', async (t) => {
  t.ok(tracing, 'tracing is on');
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  exporter.reset();

  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  t.equal(res.statusCode, 202);
  const call = await waitForCall(tenant, res.json().id);
  t.equal(call.status, 'analyzed');

  const webhookSpan = await waitFor(
    () =>
      exporter
        .getFinishedSpans()
        .find(
          (s) =>
            scope(s) === '@fastify/otel' &&
            s.attributes['http.route'] === '/api/webhooks/calls/:organizationId' &&
            s.name === 'request',
        ),
    { what: 'the API span of the webhook' },
  );
  const traceId = webhookSpan.spanContext().traceId;
  const inTrace = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);

  // Workflow spans leave the sandbox through a sink once the workflow task completes: wait for them.
  const spans = await waitFor(
    () => {
      const found = inTrace();
      const names = new Set(found.map((s) => s.name));
      return names.has('RunWorkflow:callAnalysisWorkflow') && names.has('RunActivity:extractCallAnalysis')
        ? found
        : null;
    },
    { what: "the workflow and activity spans in the webhook's trace" },
  );
  const names = spans.map((s) => s.name);
  t.ok(names.includes('StartWorkflow:callAnalysisWorkflow'), "the API starts the workflow inside the request's trace");
  t.ok(names.includes('RunWorkflow:callAnalysisWorkflow'), 'the workflow span');
  t.ok(names.includes('RunActivity:beginCallAnalysis'), 'an activity span');
  t.ok(names.includes('RunActivity:extractCallAnalysis'), 'the extraction activity span');

  const openaiRequest = spans.find(
    (s) =>
      scope(s) === '@opentelemetry/instrumentation-undici' &&
      String(s.attributes['url.full']).startsWith(stack.fake.baseURL),
  );
  t.ok(openaiRequest, 'the OpenAI HTTP request is in the trace');
  t.equal(openaiRequest?.attributes['http.response.status_code'], 200);
  const extraction = spans.find((s) => s.name === 'RunActivity:extractCallAnalysis');
  t.equal(openaiRequest?.parentSpanId, extraction?.spanContext().spanId, 'made by the extraction activity');

  const queries = spans.filter((s) => scope(s) === '@opentelemetry/instrumentation-pg');
  t.ok(queries.length > 0, `PostgreSQL queries are in the trace (${queries.length})`);
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const ancestors = (span: ReadableSpan) => {
    const chain: ReadableSpan[] = [];
    for (
      let p = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      p;
      p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined
    )
      chain.push(p);
    return chain;
  };
  t.ok(
    queries.some((q) => ancestors(q)[0]?.name === 'RunActivity:beginCallAnalysis'),
    'queries of an activity',
  );
  t.ok(
    queries.some((q) => ancestors(q).includes(webhookSpan)),
    'queries of the webhook request (storing the call)',
  );
  t.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 1);
});
