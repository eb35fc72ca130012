// Bad input is a clear 4xx, never a 500, and loses nothing; harmless client habits are not errors.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { startStack } from '../support/harness.js';
import { as, bearer, deliverCall } from '../support/api.js';
import { callPayload, createTenant, rowCounts } from '../support/calls.js';

t.test('JSON bodies are not type-coerced', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { admin } = await createTenant(stack);
  const res = await as(stack.app, admin).put('/ai/preferences', { autoSuggestActions: 'true' });
  t.equal(res.statusCode, 400, 'a string is no boolean');
  t.match(res.json(), { statusCode: 400, error: 'Bad Request', details: { 'body.autoSuggestActions': String } });

  const tenant = await createTenant(stack);
  const numeric = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
    ...callPayload(tenant.rep.user.id),
    transcript: 42,
  });
  t.equal(numeric.statusCode, 400, 'a number is no transcript');
  t.same(await rowCounts(stack), { calls: 0, leads: 0 });
});

t.test('values the database cannot store are 400 and store nothing', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const cases = {
    'a NUL character': { ...callPayload(tenant.rep.user.id), transcript: 'hello\u0000world' },
    'a year PostgreSQL rejects': { ...callPayload(tenant.rep.user.id), startedAt: '0000-01-01T00:00:00Z' },
  };
  for (const [name, body] of Object.entries(cases)) {
    const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, body);
    t.equal(res.statusCode, 400, name);
    t.match(res.json(), { statusCode: 400, error: 'Bad Request', message: String }, name);
  }
  t.same(await rowCounts(stack), { calls: 0, leads: 0 }, 'nothing stored');

  const prefs = await as(stack.app, tenant.admin).put('/ai/preferences', { customInstructions: 'be\u0000brief' });
  t.equal(prefs.statusCode, 400, 'NUL is refused on every JSON route');
  t.match(prefs.json().message, /NUL/);
});

t.test('null lead details from a provider mean "unknown"', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const body = {
    ...callPayload(tenant.rep.user.id),
    lead: { externalId: 'crm-null', name: null, phone: null, email: null },
  };
  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, body);
  t.equal(res.statusCode, 202, res.body);
  const lead = await tenant.em().findOneOrFail(Lead, { externalId: 'crm-null' });
  t.same([lead.name, lead.phone, lead.email], [null, null, null]);
  t.equal(await tenant.em().count(Call, {}), 1);
});

t.test('a body-less POST with a JSON content type is fine', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { admin } = await createTenant(stack);
  const headers = { ...bearer(admin.token), 'content-type': 'application/json' };
  const rotate = await stack.app.inject({ method: 'POST', url: '/api/admin/webhook-secret/rotate', headers });
  t.equal(rotate.statusCode, 200, rotate.body);
  t.match(rotate.json(), { webhookSecret: /^whsec_/ });
  const optimize = await stack.app.inject({ method: 'POST', url: '/api/ai/scoring/optimize', headers });
  t.equal(optimize.statusCode, 202, optimize.body);
  const broken = await stack.app.inject({
    method: 'PUT',
    url: '/api/ai/preferences',
    headers,
    payload: '{"chatbotTone": ',
  });
  t.equal(broken.statusCode, 400, 'malformed JSON is still a 400');
  t.match(broken.json(), { statusCode: 400, error: 'Bad Request' });
});

t.test('empty query values mean "no filter"', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const api = as(stack.app, tenant.admin);
  const calls = await api.get('/calls?leadId=&status=&limit=&cursor=');
  t.equal(calls.statusCode, 200, calls.body);
  t.equal(calls.json().items.length, 1);
  const leads = await api.get('/leads?status=&limit=&cursor=');
  t.equal(leads.statusCode, 200, leads.body);
  t.equal(leads.json().items.length, 1);
  const bad = await api.get('/calls?status=nope');
  t.equal(bad.statusCode, 400, 'a real value is still validated');
});
