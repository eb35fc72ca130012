// The admin's provider integrations: admin only, users of the organization only, credentials never shown
// whole and sealed at rest; and calls from both platforms sit beside our own in GET /calls and fold into the lead.
import t from 'tap';
import { startStack } from '../support/harness.js';
import { as, deliverCall, signup } from '../support/api.js';
import { callPayload, createTenant, foldRecordOf, recordFolds, waitForLead } from '../support/calls.js';
import {
  configureRetell,
  configureVapi,
  deliverRetell,
  deliverVapi,
  newRetellApiKey,
  newVapiSecret,
  retellCall,
  vapiReport,
} from '../support/providers.js';

const PUBLIC_URL = 'https://callsense.example.com';

t.test('settings: admin only, users of this organization only, the credential never shown whole', async (t) => {
  const stack = await startStack(t, { worker: false, env: { PUBLIC_URL: `${PUBLIC_URL}/` } });
  const tenant = await createTenant(stack);
  const other = await signup(stack.app);
  const integrations = as(stack.app, tenant.admin, '/api/admin/integrations');

  for (const provider of ['retell', 'vapi']) {
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const body = method === 'PUT' ? { apiKey: newRetellApiKey(), secret: newVapiSecret() } : undefined;
      const res = await as(stack.app, tenant.rep, '/api/admin/integrations').request(method, `/${provider}`, body);
      t.equal(res.statusCode, 403, `a user: ${method} ${provider}`);
    }
    const anonymous = await stack.app.inject({ method: 'GET', url: `/api/admin/integrations/${provider}` });
    t.equal(anonymous.statusCode, 401);
  }

  const empty = await integrations.get('/retell');
  t.equal(empty.statusCode, 200);
  t.same(
    empty.json(),
    {
      provider: 'retell',
      configured: false,
      apiKeyLast4: null,
      defaultUserId: null,
      agentUsers: {},
      webhookUrl: `${PUBLIC_URL}/api/webhooks/retell/${tenant.organizationId}`,
    },
    'not configured yet, with the URL to paste',
  );
  t.same((await integrations.get('/vapi')).json(), {
    provider: 'vapi',
    configured: false,
    secretLast4: null,
    defaultUserId: null,
    assistantUsers: {},
    webhookUrl: `${PUBLIC_URL}/api/webhooks/vapi/${tenant.organizationId}`,
  });

  const apiKey = newRetellApiKey();
  const rep = tenant.rep.user.id;
  const agentUsers = { agent_a: rep, agent_b: other.user.id };
  const foreignMap = await integrations.put('/retell', { apiKey, agentUsers });
  t.equal(foreignMap.statusCode, 422, "another organization's user in the map");
  const why = 'is not a user of this organization';
  t.match(foreignMap.json(), { statusCode: 422, details: { 'body.agentUsers.agent_b': why } });
  t.notOk('body.agentUsers.agent_a' in foreignMap.json().details, 'only the foreign one is named');
  const secret = newVapiSecret();
  const foreignDefault = await integrations.put('/vapi', { secret, defaultUserId: other.user.id });
  t.equal(foreignDefault.statusCode, 422, "another organization's user as default");
  const notUuid = await integrations.put('/vapi', { secret, assistantUsers: { a: 'not-a-user' } });
  t.equal(notUuid.statusCode, 422);
  t.equal((await integrations.get('/retell')).json().configured, false, 'nothing saved');
  const keyless = await integrations.put('/retell', { agentUsers: {} });
  t.equal(keyless.statusCode, 400, 'the first PUT needs the key');
  const extra = await integrations.put('/retell', { apiKey, extra: 1 });
  t.equal(extra.statusCode, 400, 'unknown fields are refused');

  const settings = { apiKey, defaultUserId: tenant.admin.user.id, agentUsers: { agent_a: rep } };
  const saved = await integrations.put('/retell', settings);
  t.equal(saved.statusCode, 200, saved.body);
  t.same(saved.json(), {
    provider: 'retell',
    configured: true,
    apiKeyLast4: apiKey.slice(-4),
    defaultUserId: tenant.admin.user.id,
    agentUsers: { agent_a: rep },
    webhookUrl: `${PUBLIC_URL}/api/webhooks/retell/${tenant.organizationId}`,
  });
  const shown = await integrations.get('/retell');
  t.same(shown.json(), saved.json(), 'GET answers what PUT did');
  for (const res of [saved, shown]) t.notOk(res.body.includes(apiKey.slice(0, -4)), 'the key is never in an answer');

  const [row] = await stack.orm.em
    .getConnection()
    .execute<{ credential_sealed: string }[]>('select credential_sealed from integrations');
  t.notOk(row!.credential_sealed.includes(apiKey.slice(4, -4)), 'the key is sealed at rest');
  t.match(row!.credential_sealed, /^v1\./);

  // Changing the users keeps the stored key: it still verifies Retell's signature.
  const remapped = await integrations.put('/retell', { defaultUserId: tenant.rep.user.id });
  t.same([remapped.statusCode, remapped.json().apiKeyLast4, remapped.json().agentUsers], [200, apiKey.slice(-4), {}]);
  const delivered = await deliverRetell(stack.app, tenant.organizationId, apiKey, retellCall());
  t.equal(delivered.statusCode, 202, delivered.body);

  const otherOrg = await as(stack.app, other, '/api/admin/integrations').get('/retell');
  t.equal(otherOrg.json().configured, false, 'another organization does not see it');

  const removed = await integrations.delete('/retell');
  t.equal(removed.statusCode, 204);
  t.equal((await integrations.get('/retell')).json().configured, false);
  const gone = await deliverRetell(stack.app, tenant.organizationId, apiKey, retellCall());
  t.equal(gone.statusCode, 404, 'its webhook is gone');
});

t.test('calls of both platforms appear in GET /calls with their source and fold into the lead', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  recordFolds(stack);
  const apiKey = newRetellApiKey();
  const secret = newVapiSecret();
  await configureRetell(stack.app, tenant.admin, { apiKey, defaultUserId: tenant.rep.user.id });
  await configureVapi(stack.app, tenant.admin, { secret, defaultUserId: tenant.rep.user.id });
  const phone = '+13125550147'; // the Vapi fixture's customer

  const orgId = tenant.organizationId;
  const ownPayload = callPayload(tenant.rep.user.id, { callId: 'own-1', leadExternalId: phone });
  const ours = await deliverCall(stack.app, orgId, tenant.secret, ownPayload);
  const retellPayload = retellCall({ callId: 'retell-1', call: { from_number: phone } });
  const retell = await deliverRetell(stack.app, orgId, apiKey, retellPayload);
  const vapi = await deliverVapi(stack.app, tenant.organizationId, secret, vapiReport({ callId: 'vapi-1' }));
  for (const res of [ours, retell, vapi]) t.equal(res.statusCode, 202, res.body);

  const repApi = as(stack.app, tenant.rep);
  const list = await repApi.get('/calls');
  t.equal(list.statusCode, 200, list.body);
  type Item = { callId: string; source: string; leadId: string };
  const bySource = Object.fromEntries(list.json().items.map((item: Item) => [item.callId, item]));
  t.match(bySource, {
    'own-1': { source: 'callsense' },
    'retell-1': { source: 'retell' },
    'vapi-1': { source: 'vapi' },
  });
  const leadIds = new Set(Object.values(bySource).map((item) => (item as { leadId: string }).leadId));
  t.equal(leadIds.size, 1, 'one lead: the same phone number');
  const [leadId] = [...leadIds] as string[];
  const one = await repApi.get(`/calls/${vapi.json().id}`);
  t.equal(one.json().source, 'vapi', 'GET /calls/:id says where the call came from');

  const lead = await waitForLead(
    tenant,
    { id: leadId! },
    { ready: (row) => foldRecordOf(row)?.callIds.length === 3, timeoutMs: 60_000, what: 'all three calls folded' },
  );
  t.same([...foldRecordOf(lead)!.callIds].sort(), ['own-1', 'retell-1', 'vapi-1']);
  t.equal(lead.callCount, 3);
  t.equal(lead.phone, phone);
});
