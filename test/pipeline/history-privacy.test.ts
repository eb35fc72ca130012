// No personal data in Temporal: the full histories of a call's and a lead's workflow never contain the
// transcript, the lead's name, e-mail or phone, or the analyses' text (activities read and write those in
// PostgreSQL). Also: links to the runs, and prompt metrics whose token sums are what OpenAI reported.
import t from 'tap';
import proto from '@temporalio/proto';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { leadWorkflowId } from '../../src/temporal/ids.js';
import { SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor } from '../support/harness.js';
import { as, deliverCall } from '../support/api.js';
import { exampleOutput } from '../support/fake-openai.js';
import { createTenant, setUserPrompts, waitForCall, waitForLead } from '../support/calls.js';
import { createTestPrompt } from '../support/prompts.js';
import { leadState } from '../../src/temporal/starters.js';

const UI = 'http://temporal-ui.example:8233';

/** An answer matching the request's schema whose summary is `summary`. */
const answerWithSummary = (summary: string) => (input: string, body: Record<string, unknown>) => {
  const schema = (body.text as { format: { schema: Record<string, unknown> } }).format.schema;
  return JSON.stringify({ ...(exampleOutput(schema, input) as object), summary });
};

async function historyBytes(client: import('@temporalio/client').Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
}

t.test('histories carry ids only; workflowUrl links; prompt metrics add up', async (t) => {
  const stack = await startStack(t, { env: { TEMPORAL_UI_URL: `${UI}/` } });
  const tenant = await createTenant(stack);
  stack.fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT, {
    model: 'gpt-i',
    respond: answerWithSummary('individual-analysis-marker-7Q'),
  });
  stack.fake.definePrompt(SYSTEM_COMPLETE_PROMPT, {
    model: 'gpt-c',
    respond: answerWithSummary('complete-analysis-marker-9Z'),
  });
  // The rep's own prompt names a model OpenAI does not know: the first call falls back to the built-in prompt.
  const repPrompt = await createTestPrompt(tenant, { createdBy: tenant.rep, model: 'gpt-rep-missing' });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: repPrompt });
  const secret = {
    transcript: 'agent: hello\ncustomer: my account number is transcript-marker-4K',
    name: 'Ada Lovelace-Byron',
    email: 'ada.private@example.org',
    phone: '+1 555 0199 777',
  };
  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
    callId: 'private-1',
    userId: tenant.rep.user.id,
    lead: { externalId: 'crm-private', name: secret.name, email: secret.email, phone: secret.phone },
    transcript: secret.transcript,
  });
  const { id, workflowId } = res.json() as { id: string; workflowId: string };
  const call = await waitForCall(tenant, id);
  t.equal(call.status, 'analyzed', call.error ?? '');
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: null });
  const second = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
    callId: 'private-2',
    userId: tenant.rep.user.id,
    lead: { externalId: 'crm-private' },
    transcript: 'agent: second call',
  });
  await waitForCall(tenant, second.json().id);
  await waitForLead(tenant, { id: call.lead });
  const leadWorkflow = leadWorkflowId(tenant.organizationId, call.lead);
  await waitFor(
    async () =>
      (await leadState(stack.temporal.client, leadWorkflow)).pending === 0 &&
      (await tenant.em().count(Lead, { id: call.lead, completeAnalysis: { $ne: null } })) > 0,
    { what: 'folds to settle' },
  );

  for (const wf of [workflowId, leadWorkflow]) {
    const bytes = await historyBytes(stack.temporal.client, wf);
    t.ok(bytes.length > 200, `${wf}: history read (${bytes.length} bytes)`);
    for (const [what, text] of Object.entries({
      ...secret,
      transcriptMarker: 'transcript-marker-4K',
      individual: 'individual-analysis-marker-7Q',
      complete: 'complete-analysis-marker-9Z',
    })) {
      t.notOk(bytes.includes(text), `${wf}: no ${what} in the history`);
    }
    const description = await stack.temporal.client.workflow.getHandle(wf).describe();
    t.same(description.memo ?? {}, {}, `${wf}: no memo`);
  }

  const repApi = as(stack.app, tenant.rep);
  const detail = await repApi.get(`/calls/${id}`);
  t.equal(detail.json().transcript, secret.transcript, 'GET /calls/:id includes the transcript');
  t.equal(detail.json().workflowUrl, `${UI}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
  const list = await repApi.get('/calls');
  t.notOk('transcript' in list.json().items[0], 'list items omit the transcript');
  const lead = await repApi.get(`/leads/${call.lead}`);
  t.equal(lead.json().workflowUrl, `${UI}/namespaces/default/workflows/${encodeURIComponent(leadWorkflow)}`);

  // Prompt metrics: token sums equal what the stand-in reported; the fallback after the model's 404 is counted.
  const metrics = await as(stack.app, tenant.admin).get('/openai-prompts/metrics?scope=organization');
  t.equal(metrics.statusCode, 200, metrics.body);
  const rows = metrics.json() as {
    kind: string;
    promptId: string;
    source: string;
    analyses: number;
    failures: number;
    fallbacks: number;
    inputTokens: number;
    outputTokens: number;
    p50LatencyMs: number;
  }[];
  const sum = (promptId: string, key: 'inputTokens' | 'outputTokens') =>
    stack.fake.requests
      .filter((r) => r.promptKey === promptId && r.usage)
      .reduce((total, r) => total + r.usage![key], 0);
  const individual = rows.find((row) => row.kind === 'individual' && row.promptId === SYSTEM_INDIVIDUAL_PROMPT)!;
  t.match(individual, { source: 'system', analyses: 2, failures: 0, fallbacks: 1 });
  t.equal(individual.inputTokens, sum(SYSTEM_INDIVIDUAL_PROMPT, 'inputTokens'));
  t.equal(individual.outputTokens, sum(SYSTEM_INDIVIDUAL_PROMPT, 'outputTokens'));
  t.ok(individual.p50LatencyMs >= 0);
  const complete = rows.filter((row) => row.kind === 'complete' && row.promptId === SYSTEM_COMPLETE_PROMPT);
  t.equal(
    complete.reduce((total, row) => total + row.inputTokens, 0),
    sum(SYSTEM_COMPLETE_PROMPT, 'inputTokens'),
  );
  t.equal(
    complete.reduce((total, row) => total + row.outputTokens, 0),
    sum(SYSTEM_COMPLETE_PROMPT, 'outputTokens'),
  );
  const mine = await repApi.get('/openai-prompts/metrics');
  t.equal(
    mine.json().find((row: { kind: string }) => row.kind === 'individual').analyses,
    2,
    'a user sees their own analyses',
  );
  t.equal((await repApi.get('/openai-prompts/metrics?scope=organization')).statusCode, 403);
  const later = await repApi.get(
    `/openai-prompts/metrics?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
  );
  t.same(later.json(), [], 'since filters');
});
