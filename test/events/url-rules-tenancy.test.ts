// URL rules against server-side request forgery (https only, public addresses only, checked at creation and at
// every delivery, connections pinned to the checked address), and tenancy of the event routes.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { startStack } from '../support/harness.js';
import { addUser, as } from '../support/api.js';
import { createTenant } from '../support/calls.js';
import { checkEndpointUrl, type Resolver } from '../../src/domain/events/url-rules.js';
import { postEvent } from '../../src/domain/events/http-post.js';
import { insertDeliveries } from '../../src/domain/events/record-event.js';
import { startReceiver } from './receiver.js';
import { waitForDeliveries } from './support.js';

/** A resolver as a test wants it: names to addresses, nothing on the network. */
const hosts =
  (table: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

t.test('the URL rules', async (t) => {
  const resolve = hosts({
    'crm.example.com': ['93.184.215.14'],
    'internal.example.com': ['10.1.2.3'],
    'mixed.example.com': ['93.184.215.14', '192.168.1.5'],
    'metadata.example.com': ['169.254.169.254'],
    'v6.example.com': ['2606:4700::1111'],
    'v6-private.example.com': ['fd00::1'],
    'mapped.example.com': ['::ffff:127.0.0.1'],
  });
  const rules = { allowPrivate: false, resolve };
  const checked = await checkEndpointUrl('https://crm.example.com/hooks', rules);
  t.same(checked.pinned, { address: '93.184.215.14', family: 4 }, 'a public name is pinned to its address');
  t.ok(await checkEndpointUrl('https://v6.example.com/', rules), 'public IPv6');
  t.ok(await checkEndpointUrl('https://93.184.215.14/', rules), 'a public address literal');
  for (const [url, why] of [
    ['http://crm.example.com/hooks', /https/],
    ['ftp://crm.example.com/', /https/],
    ['not a url', /absolute/],
    ['https://user:pass@crm.example.com/', /user name/],
    ['https://internal.example.com/', /non-public/],
    ['https://mixed.example.com/', /non-public/],
    ['https://metadata.example.com/', /non-public/],
    ['https://v6-private.example.com/', /non-public/],
    ['https://mapped.example.com/', /non-public/],
    ['https://127.0.0.1/', /non-public/],
    ['https://[::1]/', /non-public/],
    ['https://100.64.0.1/', /non-public/],
    ['https://0.0.0.0/', /non-public/],
    ['https://unknown.example.com/', /does not resolve/],
  ] as const) {
    await t.rejects(checkEndpointUrl(url, rules), { message: why }, `${url} is refused`);
  }
  const lifted = await checkEndpointUrl('http://internal.example.com/', { allowPrivate: true, resolve });
  t.equal(lifted.pinned, null, 'EVENTS_ALLOW_PRIVATE_URLS lifts both rules');

  // The connection goes to the checked address whatever the name resolves to at connect time: a name that does not
  // resolve at all reaches the local receiver it was pinned to.
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const port = new URL(receiver.url).port;
  const outcome = await postEvent({
    url: new URL(`http://pinned.invalid:${port}/hooks`),
    pinned: { address: '127.0.0.1', family: 4 },
    headers: { 'content-type': 'application/json' },
    body: '{"type":"ping","timestamp":"","data":{}}',
  });
  t.match(outcome, { ok: true, statusCode: 200 }, 'pinned connection');
  t.equal(receiver.received[0]?.headers.host, `pinned.invalid:${port}`, 'the Host header keeps the name');

  // Redirects are not followed.
  receiver.answer = () => 302;
  const redirected = await postEvent({
    url: new URL(receiver.url),
    pinned: null,
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  t.match(redirected, { ok: false, statusCode: 302, error: 'Redirects are not followed (HTTP 302)' });
  t.equal(receiver.received.length, 2, 'no request to the redirect target');
});

t.test('the rules in the API and at delivery, and tenancy', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const admin = as(stack.app, tenant.admin);
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const port = new URL(receiver.url).port;

  for (const url of [
    'http://example.com/hooks',
    `https://localhost:${port}/hooks`,
    'https://127.0.0.1/hooks',
    'https://[::1]/hooks',
    'https://10.0.0.8/hooks',
    'https://169.254.169.254/latest/meta-data',
  ]) {
    const res = await admin.post('/admin/event-endpoints', { url, events: ['lead.scored'] });
    t.equal(res.statusCode, 400, `${url}: 400`);
    t.match(res.json(), {
      statusCode: 400,
      error: 'Bad Request',
      message: /^The URL /,
      details: { 'body.url': String },
    });
  }
  t.equal((await admin.post('/admin/event-endpoints', { url: 'https://x.test/', events: [] })).statusCode, 400);
  t.equal((await admin.post('/admin/event-endpoints', { url: 'https://x.test/', events: ['nope'] })).statusCode, 400);

  // A name that resolved to a public address when it was saved and to a private one now (DNS rebinding) is
  // refused at delivery: stored as it would have been, the attempt fails without a request.
  const id = randomUUID();
  const created = await admin.post('/admin/event-endpoints', { url: 'https://1.1.1.1/hooks', events: ['lead.scored'] });
  t.equal(created.statusCode, 201, 'a public address is accepted');
  await stack.orm.em
    .fork()
    .execute('update event_endpoints set url = ? where id = ?', [`https://localhost:${port}/hooks`, created.json().id]);
  await admin.post(`/admin/event-endpoints/${created.json().id}/test`);
  const [attempt] = await waitForDeliveries(
    stack.app,
    tenant.admin,
    created.json().id,
    (items) => (items[0]?.attempts ?? 0) >= 1,
    'the first attempt',
  );
  t.match(attempt, { status: 'pending', lastStatusCode: null, lastError: /^The URL resolves to a loopback/ });
  t.equal(receiver.received.length, 0, 'nothing was sent');
  t.notOk(String(attempt?.lastError).includes('127.0.0.1'), 'the error names no address');

  // Tenancy: another organization's ids are 404 everywhere; a `user` gets 403.
  const other = await createTenant(stack);
  const theirs = (
    await as(stack.app, other.admin).post('/admin/event-endpoints', {
      url: 'https://1.1.1.1/theirs',
      events: ['lead.scored'],
    })
  ).json();
  // Their delivery, written as failed at once: nothing is sent to that (public) address from a test.
  const theirDelivery = await stack.orm.em.fork().transactional(async (tx) => {
    const [deliveryId] = await insertDeliveries(
      tx,
      { organizationId: other.organizationId, type: 'ping', factKey: 'theirs', leadId: null, data: {} },
      [theirs.id],
    );
    await tx.execute(`update event_deliveries set status = 'failed', dispatched_at = now() where id = ?`, [deliveryId]);
    return deliveryId!;
  });
  for (const [method, url, body] of [
    ['PATCH', `/admin/event-endpoints/${theirs.id}`, { enabled: false }],
    ['DELETE', `/admin/event-endpoints/${theirs.id}`, undefined],
    ['POST', `/admin/event-endpoints/${theirs.id}/rotate-secret`, undefined],
    ['POST', `/admin/event-endpoints/${theirs.id}/test`, undefined],
    ['GET', `/admin/event-endpoints/${theirs.id}/deliveries`, undefined],
    ['POST', `/admin/event-deliveries/${theirDelivery}/retry`, undefined],
    ['GET', `/admin/event-endpoints/${id}/deliveries`, undefined],
    ['GET', '/admin/event-endpoints/not-a-uuid/deliveries', undefined],
  ] as const) {
    const res = await admin.request(method, url, body);
    t.equal(res.statusCode, 404, `${method} ${url.replace(theirs.id, ':theirs')}: 404`);
  }
  t.notOk(
    (await admin.get('/admin/event-endpoints')).json().some((e: { id: string }) => e.id === theirs.id),
    'not listed',
  );
  const user = await addUser(stack.app, tenant.admin);
  const mine = created.json().id;
  for (const [method, url] of [
    ['GET', '/admin/event-endpoints'],
    ['POST', '/admin/event-endpoints'],
    ['PATCH', `/admin/event-endpoints/${mine}`],
    ['DELETE', `/admin/event-endpoints/${mine}`],
    ['POST', `/admin/event-endpoints/${mine}/rotate-secret`],
    ['POST', `/admin/event-endpoints/${mine}/test`],
    ['GET', `/admin/event-endpoints/${mine}/deliveries`],
    ['POST', `/admin/event-deliveries/${theirDelivery}/retry`],
  ] as const) {
    t.equal((await as(stack.app, user).request(method, url, {})).statusCode, 403, `${method} ${url}: 403 for a user`);
  }

  // Deleting an endpoint takes its deliveries with it.
  t.equal((await admin.delete(`/admin/event-endpoints/${mine}`)).statusCode, 204);
  t.equal((await admin.get(`/admin/event-endpoints/${mine}/deliveries`)).statusCode, 404);
  const [left] = await stack.orm.em
    .fork()
    .execute<{ count: number }[]>('select count(*)::int as count from event_deliveries where endpoint_id = ?', [mine]);
  t.equal(left?.count, 0);
  t.ok(
    (await admin.get('/admin/audit?limit=50'))
      .json()
      .items.some((i: { action: string }) => i.action === 'event_endpoint.deleted'),
    'deletion audited',
  );
  // Another organization's endpoint is untouched.
  t.equal((await as(stack.app, other.admin).get('/admin/event-endpoints')).json().length, 1);
});
