// The prompt line of an analysis as OpenAI sees it, read from the stand-in's recorded requests: one inline
// Responses request per try built from the resolved CallSense prompt version (never a stored `prompt` id); a
// version that cannot run (its model unknown, its parameters refused, its output off its schema) gives way to
// the next prompt in line (organization default, then built-in), and the analysis records which one ran and
// why; a retired `pmpt_` setting of an upgraded database is never sent; without OpenAI settings calls wait.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { startWorker } from '../../src/worker/run.js';
import { ensureReconciliationSchedule } from '../../src/worker/reconciliation-schedule.js';
import { Analysis } from '../../src/domain/analyses/analysis.entity.js';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Organization } from '../../src/domain/accounts/organization.entity.js';
import { addVersion } from '../../src/domain/prompts/prompt-library.js';
import type { CallAnalysisResult } from '../../src/workflows/call-analysis.js';
import {
  DEFAULT_MODEL,
  SYSTEM_COMPLETE_PROMPT,
  SYSTEM_INDIVIDUAL_PROMPT,
  startStack,
  waitFor,
  type Stack,
} from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import type { RecordedRequest } from '../support/fake-openai.js';
import { callPayload, createTenant, setUserPrompts, waitForCall, waitForLead, type Tenant } from '../support/calls.js';
import { createTestPrompt, stringsSchema, testVersion } from '../support/prompts.js';

const TRANSCRIPT = 'agent: Would this help your team?\nlead: Yes, I am interested';

async function deliver(stack: Stack, tenant: Tenant, userId = tenant.rep.user.id) {
  const res = await deliverCall(
    stack.app,
    tenant.organizationId,
    tenant.secret,
    callPayload(userId, { transcript: TRANSCRIPT }),
  );
  if (res.statusCode !== 202) throw new Error(`delivery failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; workflowId: string };
}

const requestsFor = (stack: Stack, promptKey: string) => stack.fake.requests.filter((r) => r.promptKey === promptKey);

/** No request of the run named a stored prompt or carried a retired id anywhere. */
function assertNoRetiredApi(t: Test, requests: RecordedRequest[]) {
  t.ok(requests.length > 0, `requests were made (${requests.length})`);
  t.notOk(
    requests.some((r) => 'prompt' in r.body),
    'no request has a `prompt` field',
  );
  t.notOk(
    requests.some((r) => JSON.stringify(r.body).includes('pmpt_')),
    'no request carries a pmpt_ id',
  );
}

const setOrganizationDefault = (
  tenant: Tenant,
  field: 'defaultIndividualPrompt' | 'defaultCompletePrompt',
  ref: string,
) => tenant.em().nativeUpdate(Organization, { id: tenant.organizationId }, { [field]: ref });

t.test('an analysis is one inline request built from the resolved prompt version', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const schema = stringsSchema('summary', 'verdict');
  const promptId = await createTestPrompt(tenant, {
    name: 'Rep discovery prompt',
    createdBy: tenant.rep,
    model: 'gpt-5-mini',
    outputSchema: schema,
  });
  const actor = { id: tenant.rep.user.id, email: tenant.rep.user.email, role: tenant.rep.user.role };
  await addVersion(tenant.em(), {
    promptId,
    actor,
    version: testVersion({
      instructions: 'Analyse the sales call for {{organization.name}}, briefly.',
      model: 'gpt-5-mini',
      reasoningEffort: 'medium',
      temperature: 0.2,
      maxOutputTokens: 500,
      outputSchema: schema,
    }),
  });
  stack.fake.definePrompt(promptId, {
    respond: (input) => JSON.stringify({ summary: `heard ${input.length} characters`, verdict: 'promising' }),
  });

  // 1. The production version (1) of the rep's prompt.
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: promptId });
  const first = await waitForCall(tenant, (await deliver(stack, tenant)).id);
  t.equal(first.status, 'analyzed', first.error ?? '');
  const [request, ...others] = requestsFor(stack, promptId);
  t.equal(others.length, 0, 'one request');
  t.same(
    request!.body,
    {
      model: 'gpt-5-mini',
      instructions: `Analyse the sales call for ${tenant.admin.organization.name}.`,
      input: TRANSCRIPT,
      text: { format: { type: 'json_schema', name: 'Rep_discovery_prompt', schema, strict: true } },
      store: false,
      metadata: { callsense_prompt: `${promptId}@1` },
    },
    "the version's model, rendered instructions, the transcript, its strict schema, nothing stored",
  );
  t.notOk('prompt' in request!.body, 'no stored prompt is named');
  t.match(first, {
    promptId,
    promptName: 'Rep discovery prompt',
    promptVersion: 1,
    promptSource: 'user',
    fallbackReason: null,
    model: 'gpt-5-mini',
    analysis: { summary: `heard ${TRANSCRIPT.length} characters`, verdict: 'promising' },
  });
  const [stored] = await tenant.em().find(Analysis, { callId: first.id });
  t.match(stored, {
    outcome: 'succeeded',
    promptId,
    promptName: 'Rep discovery prompt',
    promptVersion: 1,
    promptSource: 'user',
    fallbackReason: null,
    fallback: false,
    model: 'gpt-5-mini',
    inputTokens: request!.usage!.inputTokens,
    outputTokens: request!.usage!.outputTokens,
  });

  // 2. A pinned version sends its own settings.
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: `${promptId}@2` });
  const second = await waitForCall(tenant, (await deliver(stack, tenant)).id);
  t.match(second, { status: 'analyzed', promptId, promptVersion: 2, promptSource: 'user' });
  const pinned = stack.fake.requests.find((r) => r.promptRef === `${promptId}@2`);
  t.match(pinned?.body, {
    model: 'gpt-5-mini',
    instructions: `Analyse the sales call for ${tenant.admin.organization.name}, briefly.`,
    reasoning: { effort: 'medium' },
    temperature: 0.2,
    max_output_tokens: 500,
    store: false,
    metadata: { callsense_prompt: `${promptId}@2` },
  });

  // 3. The lead's fold runs the built-in complete prompt on the documented input document.
  const lead = await waitForLead(tenant, { id: first.lead });
  t.equal(lead.completeAnalysisPromptId, SYSTEM_COMPLETE_PROMPT);
  const fold = requestsFor(stack, SYSTEM_COMPLETE_PROMPT)[0]!;
  t.match(fold.body, {
    model: DEFAULT_MODEL,
    reasoning: { effort: 'low' },
    text: { format: { type: 'json_schema', strict: true } },
    store: false,
    metadata: { callsense_prompt: new RegExp(`^${SYSTEM_COMPLETE_PROMPT}@\\d+$`) },
  });
  const document = JSON.parse(fold.input as string) as Record<string, unknown>;
  t.same(Object.keys(document).sort(), ['lead', 'newAnalyses', 'previousAnalysis'], 'the fold input document');
  t.match(document, { previousAnalysis: null, newAnalyses: [{ analysis: { verdict: 'promising' } }] });
  assertNoRetiredApi(t, stack.fake.requests);
});

t.test('a user prompt whose model OpenAI does not know gives way to the next prompt in line', async (t) => {
  const stack = await startStack(t);

  t.test('without an organization default: the built-in', async (t) => {
    const tenant = await createTenant(stack);
    const gone = await createTestPrompt(tenant, { createdBy: tenant.rep, model: 'gpt-x-retired' });
    await setUserPrompts(tenant, tenant.rep.user.id, { individual: gone });
    const call = await waitForCall(tenant, (await deliver(stack, tenant)).id);
    t.match(call, {
      status: 'analyzed',
      promptId: SYSTEM_INDIVIDUAL_PROMPT,
      promptSource: 'system',
      model: DEFAULT_MODEL,
      fallbackReason: /model gpt-x-retired not found/,
    });
    t.same(
      requestsFor(stack, gone).map((r) => r.model),
      ['gpt-x-retired'],
      'one request for the unknown model, not retried',
    );
    const [stored] = await tenant.em().find(Analysis, { callId: call.id });
    t.match(stored, {
      outcome: 'succeeded',
      promptSource: 'system',
      fallback: true,
      fallbackReason: /model gpt-x-retired not found/,
    });
  });

  t.test("with an organization default: the organization's prompt", async (t) => {
    const tenant = await createTenant(stack);
    const gone = await createTestPrompt(tenant, { createdBy: tenant.rep, model: 'gpt-x-retired' });
    const orgDefault = await createTestPrompt(tenant, { name: 'Organization default', model: 'gpt-6-luna-mini' });
    await setOrganizationDefault(tenant, 'defaultIndividualPrompt', orgDefault);
    await setUserPrompts(tenant, tenant.rep.user.id, { individual: gone });
    const before = stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT);
    const call = await waitForCall(tenant, (await deliver(stack, tenant)).id);
    t.match(call, {
      status: 'analyzed',
      promptId: orgDefault,
      promptName: 'Organization default',
      promptVersion: 1,
      promptSource: 'organization',
      model: 'gpt-6-luna-mini',
      fallbackReason: /model gpt-x-retired not found/,
    });
    t.equal(requestsFor(stack, gone).length, 1);
    t.match(requestsFor(stack, orgDefault), [{ model: 'gpt-6-luna-mini', promptRef: `${orgDefault}@1` }]);
    t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), before, 'the built-in was not needed');
    const [stored] = await tenant.em().find(Analysis, { callId: call.id });
    t.match(stored, { promptSource: 'organization', fallbackReason: /model gpt-x-retired not found/ });
  });
});

t.test('a version that cannot run for its output or its parameters gives way to the built-in', async (t) => {
  const stack = await startStack(t);

  t.test('output off its schema', async (t) => {
    const tenant = await createTenant(stack);
    const offSchema = await createTestPrompt(tenant, { createdBy: tenant.rep, outputSchema: stringsSchema('words') });
    // A number where the schema asks for a string.
    stack.fake.definePrompt(offSchema, { respond: (input) => JSON.stringify({ words: input.split(/\s+/).length }) });
    await setUserPrompts(tenant, tenant.rep.user.id, { individual: offSchema });
    const call = await waitForCall(tenant, (await deliver(stack, tenant)).id);
    t.match(call, {
      status: 'analyzed',
      promptId: SYSTEM_INDIVIDUAL_PROMPT,
      promptSource: 'system',
      fallbackReason: /does not match its output schema/,
    });
    t.match(call.fallbackReason, /words/, 'the reason names the field');
    t.equal(requestsFor(stack, offSchema).length, 1, 'not retried');
    t.notOk((call.analysis as Record<string, unknown>).words, "the off-schema answer is not what's stored");
  });

  t.test('output that is not JSON', async (t) => {
    const tenant = await createTenant(stack);
    const prose = await createTestPrompt(tenant, { createdBy: tenant.rep });
    stack.fake.definePrompt(prose, { respond: () => 'Sure! The lead sounded keen.' });
    await setUserPrompts(tenant, tenant.rep.user.id, { individual: prose });
    const call = await waitForCall(tenant, (await deliver(stack, tenant)).id);
    t.match(call, { status: 'analyzed', promptSource: 'system', fallbackReason: /not JSON/ });
    t.equal(requestsFor(stack, prose).length, 1);
  });

  t.test('parameters OpenAI refuses (400)', async (t) => {
    const tenant = await createTenant(stack);
    const refused = await createTestPrompt(tenant, { createdBy: tenant.rep });
    stack.fake.enqueue(refused, {
      status: 400,
      body: {
        error: {
          message: "Unsupported parameter: 'temperature' is not supported with this model.",
          type: 'invalid_request_error',
          param: 'temperature',
          code: 'unsupported_parameter',
        },
      },
    });
    await setUserPrompts(tenant, tenant.rep.user.id, { individual: refused });
    const call = await waitForCall(tenant, (await deliver(stack, tenant)).id);
    t.match(call, {
      status: 'analyzed',
      promptSource: 'system',
      fallbackReason: /OpenAI rejected the request \(400\).*temperature/,
    });
    t.equal(requestsFor(stack, refused).length, 1, 'a 400 is not retried');
  });
});

t.test('a retired pmpt_ setting of an upgraded database is never sent', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const orgComplete = await createTestPrompt(tenant, { kind: 'complete', name: 'Organization fold' });
  await setOrganizationDefault(tenant, 'defaultCompletePrompt', orgComplete);
  await setUserPrompts(tenant, tenant.rep.user.id, {
    individual: 'pmpt_68d1c0ffee0123456789abcdef012345',
    complete: 'pmpt_68d1c0ffee0123456789abcdef054321',
  });

  const call = await waitForCall(tenant, (await deliver(stack, tenant)).id);
  t.match(call, {
    status: 'analyzed',
    promptId: SYSTEM_INDIVIDUAL_PROMPT,
    promptSource: 'system',
    model: DEFAULT_MODEL,
    fallbackReason: /pmpt_68d1c0ffee0123456789abcdef012345 is an OpenAI stored prompt, retired on 2026-11-30/,
  });
  const lead = await waitForLead(tenant, { id: call.lead });
  t.match(lead, { completeAnalysisPromptId: orgComplete, completeAnalysisPromptSource: 'organization' });
  const [fold] = await tenant.em().find(Analysis, { leadId: lead.id, kind: 'complete' });
  t.match(fold, {
    promptSource: 'organization',
    fallbackReason: /pmpt_68d1c0ffee0123456789abcdef054321 is an OpenAI stored prompt, retired/,
  });
  t.same(
    stack.fake.requests.map((r) => r.promptKey).sort(),
    [orgComplete, SYSTEM_INDIVIDUAL_PROMPT].sort(),
    'one request each, for the prompts that ran',
  );
  assertNoRetiredApi(t, stack.fake.requests);
});

t.test('without OPENAI_API_KEY and OPENAI_BASE_URL a call waits in queued, failing nothing', async (t) => {
  const stack = await startStack(t, { env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined } });
  const tenant = await createTenant(stack);
  const { id, workflowId } = await deliver(stack, tenant);
  const result: CallAnalysisResult = await stack.temporal.client.workflow.getHandle(workflowId).result();
  t.match(result, { status: 'queued', error: /OPENAI_API_KEY/ });
  const call = await waitFor(
    async () => {
      const row = await tenant.em().findOne(Call, { id });
      return row?.error ? row : null;
    },
    { what: 'the call to say why it waits' },
  );
  t.equal(call.status, 'queued');
  t.match(call.error, /OPENAI_API_KEY/);
  t.equal(await tenant.em().count(Call, { status: 'failed' }), 0, 'no call failed');
  t.equal(await tenant.em().count(Analysis, {}), 0, 'no analysis recorded, not even a failed one');
  t.equal(stack.fake.count(), 0, 'nothing was sent anywhere');

  // Once a worker runs with a key, the reconciliation schedule (its own copy, on this file's task queue) starts
  // the waiting call again and it is analysed.
  await stack.stopWorker();
  const keyed = loadConfig(
    { ...stack.env, OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: stack.fake.baseURL },
    { dotenv: false },
  );
  // Handed to the stack, whose teardown stops it before the database goes.
  stack.worker = await startWorker(
    keyed,
    { databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress },
    { orm: stack.orm },
  );
  const scheduleId = await ensureReconciliationSchedule(stack.temporal.client, stack.config, {
    scheduleId: `call-reconciliation-test-${randomUUID()}`,
    minAgeSeconds: 0,
  });
  const schedule = stack.temporal.client.schedule.getHandle(scheduleId);
  t.teardown(() => schedule.delete());
  await schedule.trigger();
  const analysed = await waitForCall(tenant, id);
  t.match(analysed, { status: 'analyzed', error: null, promptSource: 'system', model: DEFAULT_MODEL });
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 1, 'analysed once');
});
