import t from 'tap';
import { startStack } from '../support/harness.js';
import { freePort } from '../support/free-port.js';
import { deliverCall } from '../support/api.js';
import { createTenant } from '../support/tenant.js';

t.test('health, readiness and docs', async (t) => {
  const stack = await startStack(t, { worker: false });

  const health = await stack.app.inject({ method: 'GET', url: '/api/healthz' });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });
  t.ok(health.headers['x-request-id'], 'every response carries its request id');
  const chosen = await stack.app.inject({
    method: 'GET',
    url: '/api/healthz',
    headers: { 'x-request-id': 'client-chosen' },
  });
  t.not(chosen.headers['x-request-id'], 'client-chosen', 'a client cannot choose the request id');
  t.match(chosen.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'the server generates it');

  const ready = await stack.app.inject({ method: 'GET', url: '/api/readyz' });
  t.equal(ready.statusCode, 200, ready.body);
  t.same(ready.json().checks, { postgres: 'ok', temporal: 'ok' });

  const docs = await stack.app.inject({ method: 'GET', url: '/api/docs/json' });
  t.equal(docs.statusCode, 200);
  t.equal(docs.json().openapi, '3.1.0');
  t.ok(docs.json().paths['/api/healthz'], 'the OpenAPI document is generated from the routes');

  const ui = await stack.app.inject({ method: 'GET', url: '/api/docs' });
  t.ok([200, 302].includes(ui.statusCode), 'Swagger UI is served');

  const missing = await stack.app.inject({ method: 'GET', url: '/api/nope' });
  t.equal(missing.statusCode, 404);
  t.match(missing.json(), { statusCode: 404, error: 'Not Found', message: /nope/ });
});

t.test('readiness names what is down', async (t) => {
  const stack = await startStack(t, { worker: false });
  await stack.temporal.connection.close();
  const res = await stack.app.inject({ method: 'GET', url: '/api/readyz' });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { statusCode: 503, message: /Temporal/ });
  t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After is set');
  t.same(res.json().checks, { postgres: 'ok', temporal: 'unavailable' }, 'names what is down, no error text');
});

t.test('the API starts while Temporal is down, and answers 503 where it needs it', async (t) => {
  const stack = await startStack(t, { worker: false, temporalAddress: `127.0.0.1:${await freePort()}` });
  t.notOk(stack.temporal.connectedAtStart, 'Temporal did not answer at start');
  t.equal((await stack.app.inject({ method: 'GET', url: '/api/healthz' })).statusCode, 200);
  const ready = await stack.app.inject({ method: 'GET', url: '/api/readyz' });
  t.equal(ready.statusCode, 503);
  t.same(ready.json().checks, { postgres: 'ok', temporal: 'unavailable' });

  const tenant = await createTenant(stack);
  t.ok(tenant.secret, 'routes that need only PostgreSQL work');
  const delivered = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
    callId: 'while-temporal-is-down',
    userId: tenant.rep.user.id,
    lead: { externalId: 'lead-1' },
    transcript: 'agent: hello',
  });
  t.equal(delivered.statusCode, 503, delivered.body);
  t.match(delivered.json(), { statusCode: 503, message: /deliver it again later/ });
  t.ok(Number(delivered.headers['retry-after']) > 0, 'Retry-After tells the provider when to retry');
});
