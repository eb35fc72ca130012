// Retell AI posts to CallSense as it is: signed with the organization's Retell API key over the raw bytes,
// call_ended and call_analyzed of one call are one call, analysed with the mapped user's own prompt.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { callWorkflowId } from '../../src/temporal/ids.js';
import { startStack } from '../support/harness.js';
import { signup } from '../support/api.js';
import { createTenant, createTenantWithRepPrompt, rowCounts, waitForCall } from '../support/calls.js';
import {
  RETELL_FIXTURE_AGENT,
  configureRetell,
  deliverRetell,
  newRetellApiKey,
  postRetell,
  retellCall,
  retellSignature,
} from '../support/providers.js';

t.test("a signed call_analyzed is analysed with the mapped user's prompt; call_ended is a duplicate", async (t) => {
  const stack = await startStack(t);
  stack.fake.defineModel('gpt-rep');
  const tenant = await createTenantWithRepPrompt(stack, {}, { model: 'gpt-rep' });
  const apiKey = newRetellApiKey();
  const agentUsers = { [RETELL_FIXTURE_AGENT]: tenant.rep.user.id };
  await configureRetell(stack.app, tenant.admin, { apiKey, defaultUserId: tenant.admin.user.id, agentUsers });

  const analyzed = retellCall({ callId: 'retell-analyzed-1' });
  const first = await deliverRetell(stack.app, tenant.organizationId, apiKey, analyzed);
  t.equal(first.statusCode, 202, first.body);
  const workflowId = callWorkflowId(tenant.organizationId, 'retell-analyzed-1');
  t.same(first.json(), { id: first.json().id, workflowId, duplicate: false });

  const call = await waitForCall(tenant, first.json().id, ['analyzed']);
  t.equal(call.user, tenant.rep.user.id, 'agentUsers[agent_id] chose the user');
  t.equal(call.source, 'retell');
  t.equal(call.promptId, tenant.repPromptId, "the mapped user's own prompt");
  t.equal(call.promptSource, 'user');
  t.equal(call.model, 'gpt-rep');
  const turns = /^agent: Hi, this is Sam from CallSense\. .*\ncustomer: Hi Sam, we saw your demo form\./;
  t.match(call.transcript, turns, 'turns from transcript_object, user → customer');
  t.equal(call.transcript.split('\n').length, 6, 'one line per turn');
  t.equal(call.durationSeconds, 194.5, 'from start_timestamp and end_timestamp');
  t.equal(call.startedAt?.toISOString(), new Date(1764084000000).toISOString());
  t.match(
    call.metadata,
    {
      provider: 'retell',
      agentId: RETELL_FIXTURE_AGENT,
      direction: 'inbound',
      providerAnalysis: {
        user_sentiment: 'Positive',
        call_successful: true,
        custom_analysis_data: { demo_booked: true },
      },
    },
    "Retell's own analysis is kept",
  );
  const lead = await tenant.em().findOneOrFail(Lead, { id: call.lead });
  t.equal(lead.externalId, '+14155550123', "an inbound call's lead is the caller");
  t.equal(lead.phone, '+14155550123');

  const ended = retellCall({ event: 'call_ended', callId: 'retell-analyzed-1' });
  delete ended.call.call_analysis;
  const second = await deliverRetell(stack.app, tenant.organizationId, apiKey, ended);
  t.equal(second.statusCode, 202, second.body);
  t.same(second.json(), { ...first.json(), duplicate: true }, 'the same call');
  t.same(await rowCounts(stack), { calls: 1, leads: 1 });
  t.equal(stack.fake.count(tenant.repPromptId), 1, 'analysed once');
});

t.test("call_ended first, call_analyzed later (as event_type): one call that keeps Retell's analysis", async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const apiKey = newRetellApiKey();
  await configureRetell(stack.app, tenant.admin, { apiKey, defaultUserId: tenant.rep.user.id });
  const outbound = { direction: 'outbound', metadata: { lead_external_id: 'crm-42' } };

  const ended = retellCall({ event: 'call_ended', callId: 'retell-order-1', call: outbound });
  delete ended.call.call_analysis;
  const first = await deliverRetell(stack.app, tenant.organizationId, apiKey, ended);
  t.equal(first.statusCode, 202, first.body);
  const stored = await tenant.em().findOneOrFail(Call, { id: first.json().id });
  t.equal(stored.user, tenant.rep.user.id, 'the default user for an unmapped agent');
  t.notOk(stored.metadata?.providerAnalysis, 'no analysis yet');
  const lead = await tenant.em().findOneOrFail(Lead, { id: stored.lead });
  t.same([lead.externalId, lead.phone], ['crm-42', '+12135550188'], 'the lead id from metadata, the callee as phone');

  const { event, ...rest } = retellCall({ callId: 'retell-order-1', call: outbound });
  const second = await deliverRetell(stack.app, tenant.organizationId, apiKey, { event_type: event, ...rest });
  t.equal(second.statusCode, 202, second.body);
  t.same(second.json(), { ...first.json(), duplicate: true });
  const after = await tenant.em().findOneOrFail(Call, { id: first.json().id });
  const kept = { provider: 'retell', providerAnalysis: { call_successful: true } };
  t.match(after.metadata, kept, 'the later analysis joins the call');
  t.same(await rowCounts(stack), { calls: 1, leads: 1 });
});

t.test('bad signatures are 401 and store nothing; other events are 204; unmappable calls are 422', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const unconfigured = await signup(stack.app);
  const orgId = tenant.organizationId;
  const apiKey = newRetellApiKey();
  const agentUsers = { [RETELL_FIXTURE_AGENT]: tenant.rep.user.id };
  await configureRetell(stack.app, tenant.admin, { apiKey, agentUsers });

  const sign = async (raw: string, key = apiKey, at?: number) => ({
    'x-retell-signature': await retellSignature(key, raw, at),
  });
  const post = (raw: string, headers: Record<string, string>, org = orgId) => postRetell(stack.app, org, raw, headers);
  const old = Date.now() - 6 * 60 * 1000; // six minutes
  const otherKey = newRetellApiKey();
  const malformed = { 'x-retell-signature': 'sha256=ab' };
  type Case = { name: string; callId: string; status: number; send: (raw: string) => ReturnType<typeof post> };
  const rejected: Case[] = [
    {
      name: 'tampered body',
      callId: 'r-tampered',
      status: 401,
      send: async (r) => post(r.replace('interested', 'not keen'), await sign(r)),
    },
    { name: 'wrong key', callId: 'r-wrong-key', status: 401, send: async (r) => post(r, await sign(r, otherKey)) },
    { name: '6 minutes old', callId: 'r-stale', status: 401, send: async (r) => post(r, await sign(r, apiKey, old)) },
    { name: 'missing header', callId: 'r-missing', status: 401, send: async (r) => post(r, {}) },
    { name: 'malformed header', callId: 'r-malformed', status: 401, send: async (r) => post(r, malformed) },
    {
      name: 're-serialised body',
      callId: 'r-reserialised',
      status: 401,
      send: async (r) => post(JSON.stringify(JSON.parse(r), null, 2), await sign(r)),
    },
    {
      name: 'unknown organization',
      callId: 'r-unknown-org',
      status: 404,
      send: async (r) => post(r, await sign(r), randomUUID()),
    },
    {
      name: 'organization without Retell',
      callId: 'r-unconfigured',
      status: 404,
      send: async (r) => post(r, await sign(r), unconfigured.organization.id),
    },
  ];
  for (const c of rejected) {
    const res = await c.send(JSON.stringify(retellCall({ callId: c.callId })));
    t.equal(res.statusCode, c.status, `${c.name}: ${res.body}`);
    t.match(res.json(), { statusCode: c.status, error: String, message: String }, `${c.name}: the error shape`);
  }
  const fourMinutesAgo = Date.now() - 4 * 60 * 1000;
  const fresh = await deliverRetell(stack.app, orgId, apiKey, retellCall({ callId: 'r-4-min' }), fourMinutesAgo);
  t.equal(fresh.statusCode, 202, 'four minutes old is within the tolerance');
  await stack.orm.em.getConnection().execute('delete from calls; delete from leads');

  for (const event of ['call_started', 'transcript_updated', 'transfer_started']) {
    const res = await deliverRetell(stack.app, orgId, apiKey, retellCall({ event, callId: `r-${event}` }));
    t.equal(res.statusCode, 204, `${event} is acknowledged`);
    t.equal(res.body, '', 'with no body');
  }

  const deliver = (callId: string, call: Record<string, unknown>) =>
    deliverRetell(stack.app, orgId, apiKey, retellCall({ callId, call }));
  const unmapped = await deliver('r-unknown-agent', { agent_id: 'agent_not_mapped' });
  t.equal(unmapped.statusCode, 422, unmapped.body);
  t.match(unmapped.json(), { statusCode: 422, error: 'Unprocessable Entity', message: /no user/ });
  t.match(unmapped.json(), { details: { user: String } }, 'the details name what is missing');

  const foreignMetadata = { callsense_user_id: unconfigured.user.id };
  const foreignUser = await deliver('r-foreign', { agent_id: 'agent_x', metadata: foreignMetadata });
  t.equal(foreignUser.statusCode, 422, 'metadata.callsense_user_id of another organization');
  t.match(foreignUser.json().message, /metadata\.callsense_user_id is not a user of this organization/);

  const silent = await deliver('r-no-transcript', { transcript: null, transcript_object: [] });
  t.equal(silent.statusCode, 422);
  t.match(silent.json(), { message: /no transcript/, details: { transcript: String } });

  const wrongType = await deliver('r-bad-type', { start_timestamp: 'yesterday' });
  t.equal(wrongType.statusCode, 400, 'a field of the wrong type');

  t.same(await rowCounts(stack), { calls: 0, leads: 0 }, 'nothing stored');
  const none = [...rejected.map((c) => c.callId), 'r-call_started', 'r-unknown-agent', 'r-foreign', 'r-no-transcript'];
  for (const callId of none) {
    const handle = stack.temporal.client.workflow.getHandle(callWorkflowId(orgId, callId));
    await t.rejects(handle.describe(), WorkflowNotFoundError, `no workflow for ${callId}`);
  }
});
