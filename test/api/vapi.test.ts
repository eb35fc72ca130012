// Vapi posts its end-of-call report to CallSense as it is: authenticated by the server secret in
// x-vapi-secret, stored and started at once (Vapi sends once and waits briefly), analysed afterwards.
import t from 'tap';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { callWorkflowId } from '../../src/temporal/ids.js';
import { startStack } from '../support/harness.js';
import { createTenant, createTenantWithRepPrompt, rowCounts, waitForCall } from '../support/calls.js';
import { VAPI_FIXTURE_ASSISTANT, configureVapi, deliverVapi, newVapiSecret, vapiReport } from '../support/providers.js';

t.test('the right secret stores the report and it is analysed; the same call.id twice is one call', async (t) => {
  const stack = await startStack(t);
  stack.fake.defineModel('gpt-vapi-rep');
  const tenant = await createTenantWithRepPrompt(stack, {}, { model: 'gpt-vapi-rep' });
  const secret = newVapiSecret();
  const assistantUsers = { [VAPI_FIXTURE_ASSISTANT]: tenant.rep.user.id };
  await configureVapi(stack.app, tenant.admin, { secret, assistantUsers });

  const vapiCallId = '3c9d6b1e-0000-4e2b-9a51-0d8e2f6c4b17';
  const report = vapiReport({ callId: vapiCallId });
  const first = await deliverVapi(stack.app, tenant.organizationId, secret, report);
  t.equal(first.statusCode, 202, first.body);
  const workflowId = callWorkflowId(tenant.organizationId, vapiCallId);
  t.same(first.json(), { id: first.json().id, workflowId, duplicate: false });

  const call = await waitForCall(tenant, first.json().id, ['analyzed']);
  t.equal(call.source, 'vapi');
  t.equal(call.user, tenant.rep.user.id, 'assistantUsers[call.assistantId] chose the user');
  t.equal(call.promptId, tenant.repPromptId, "analysed with that user's prompt");
  const lines = call.transcript.split('\n');
  t.equal(lines.length, 6, 'bot and user turns only: system, tool calls and results dropped');
  t.match(lines[0], /^agent: Thanks for calling CallSense, this is Riley\./);
  t.match(lines[1], /^customer: Hi Riley, I run operations/);
  t.equal(call.durationSeconds, 195.25, 'from startedAt and endedAt');
  t.equal(call.startedAt?.toISOString(), '2026-11-25T15:20:03.000Z');
  t.match(
    call.metadata,
    {
      provider: 'vapi',
      assistantId: VAPI_FIXTURE_ASSISTANT,
      endedReason: 'customer-ended-call',
      providerAnalysis: { successEvaluation: 'true' },
    },
    "Vapi's own analysis is kept",
  );
  const lead = await tenant.em().findOneOrFail(Lead, { id: call.lead });
  t.same([lead.externalId, lead.phone], ['+13125550147', '+13125550147'], "the customer's number is the lead");

  const again = await deliverVapi(stack.app, tenant.organizationId, secret, report);
  t.equal(again.statusCode, 202, again.body);
  t.same(again.json(), { ...first.json(), duplicate: true });
  t.same(await rowCounts(stack), { calls: 1, leads: 1 }, 'one call');
  t.equal(stack.fake.count(tenant.repPromptId), 1, 'analysed once');

  // Without artifact.messages, the transcript text is used; an unmapped assistant falls back to the default user.
  await configureVapi(stack.app, tenant.admin, { secret, defaultUserId: tenant.admin.user.id });
  const textOnly = vapiReport({ callId: 'vapi-text-only' });
  delete textOnly.message.artifact.messages;
  const res = await deliverVapi(stack.app, tenant.organizationId, secret, textOnly);
  t.equal(res.statusCode, 202, res.body);
  const stored = await tenant.em().findOneOrFail(Call, { id: res.json().id }, { populate: ['transcript'] });
  t.match(stored.transcript, /^AI: Thanks for calling CallSense/, 'the transcript text as sent');
  t.equal(stored.user, tenant.admin.user.id, 'the default user');
});

t.test('a wrong or missing secret is 401; other messages are 204; nothing is stored', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const secret = newVapiSecret();
  await configureVapi(stack.app, tenant.admin, { secret, defaultUserId: tenant.rep.user.id });
  const orgId = tenant.organizationId;

  const wrong = await deliverVapi(stack.app, orgId, newVapiSecret(), vapiReport({ callId: 'v-wrong' }));
  t.equal(wrong.statusCode, 401, wrong.body);
  const prefix = await deliverVapi(stack.app, orgId, secret.slice(0, -1), vapiReport({ callId: 'v-prefix' }));
  t.equal(prefix.statusCode, 401, 'a prefix of the secret');
  const missing = await deliverVapi(stack.app, orgId, undefined, vapiReport({ callId: 'v-missing' }));
  t.equal(missing.statusCode, 401, missing.body);
  t.match(missing.json(), { statusCode: 401, error: 'Unauthorized', message: /x-vapi-secret/ });

  for (const type of ['status-update', 'transcript', 'speech-update', 'hang']) {
    const res = await deliverVapi(stack.app, orgId, secret, vapiReport({ callId: `v-${type}`, message: { type } }));
    t.equal(res.statusCode, 204, `${type} is acknowledged`);
  }

  const noCustomer = vapiReport({ callId: 'v-no-customer', call: { customer: null } });
  delete noCustomer.message.customer;
  const res = await deliverVapi(stack.app, orgId, secret, noCustomer);
  t.equal(res.statusCode, 422, res.body);
  t.match(res.json(), { message: /no lead/, details: { lead: String } });

  t.same(await rowCounts(stack), { calls: 0, leads: 0 }, 'nothing stored');
  for (const callId of ['v-wrong', 'v-prefix', 'v-missing', 'v-status-update', 'v-no-customer']) {
    const handle = stack.temporal.client.workflow.getHandle(callWorkflowId(orgId, callId));
    await t.rejects(handle.describe(), WorkflowNotFoundError, `no workflow for ${callId}`);
  }
});
