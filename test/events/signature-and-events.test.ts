// Deliveries as a consumer sees them: signed per the Standard Webhooks specification (checked by the
// `standardwebhooks` verifier and by a hand-made HMAC), the contract's event shapes, type filters, the test
// event, secret rotation, and each fact delivered once.
import t from 'tap';
import { Webhook } from 'standardwebhooks';
import { startStack, waitFor } from '../support/harness.js';
import { as } from '../support/api.js';
import { callPayload, createTenant } from '../support/calls.js';
import { deliverCall } from '../support/api.js';
import { startReceiver } from './receiver.js';
import { addEndpoint, handSignature, waitForDeliveries } from './support.js';

t.test('signed events reach the subscribed endpoints once', async (t) => {
  const stack = await startStack(t, { env: { EVENTS_ALLOW_PRIVATE_URLS: 'true' } });
  const receiver = await startReceiver();
  const leadsOnly = await startReceiver();
  t.teardown(() => Promise.all([receiver.close(), leadsOnly.close()]));
  const tenant = await createTenant(stack);
  const admin = as(stack.app, tenant.admin);

  const all = await addEndpoint(stack.app, tenant.admin, receiver.url, [
    'call.analyzed',
    'call.failed',
    'lead.analysis.updated',
    'lead.scored',
  ]);
  t.match(all.secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'a whsec_ secret of 32 random bytes');
  t.equal(Buffer.from(all.secret.slice(6), 'base64').length, 32);
  const filtered = await addEndpoint(stack.app, tenant.admin, leadsOnly.url, ['lead.analysis.updated']);

  const listed = (await admin.get('/admin/event-endpoints')).json();
  t.equal(listed.length, 2);
  t.notOk(JSON.stringify(listed).includes('whsec_'), 'the list never shows a secret');

  const payload = callPayload(tenant.rep.user.id);
  const accepted = await deliverCall(stack.app, tenant.organizationId, tenant.secret, payload);
  t.equal(accepted.statusCode, 202);
  const callRowId = accepted.json().id;

  await waitFor(() => receiver.ofType('lead.analysis.updated').length > 0 && leadsOnly.received.length > 0, {
    what: 'the lead analysis event at both endpoints',
    timeoutMs: 60_000,
  });
  await waitForDeliveries(
    stack.app,
    tenant.admin,
    all.id,
    (items) => items.every((i) => i.status === 'delivered'),
    'all delivered',
  );

  const analyzed = receiver.ofType('call.analyzed');
  t.equal(analyzed.length, 1, 'one call.analyzed');
  const event = analyzed[0]!;
  t.match(event.body, {
    type: 'call.analyzed',
    timestamp: String,
    data: {
      id: callRowId,
      callId: payload.callId,
      source: 'callsense',
      leadId: String,
      externalId: payload.lead.externalId,
      userId: tenant.rep.user.id,
      analysis: Object,
      promptId: 'prm_systemindividual',
      promptVersion: Number,
      analyzedAt: String,
      organizationId: tenant.organizationId,
    },
  });
  const leadEvent = receiver.ofType('lead.analysis.updated')[0]!;
  t.match(leadEvent.body.data, {
    leadId: event.body.data.leadId,
    externalId: payload.lead.externalId,
    completeAnalysis: Object,
    callCount: 1,
    organizationId: tenant.organizationId,
  });

  // An independent verifier, used as a consumer would: the package's Webhook.verify with the secret.
  for (const received of receiver.received) {
    t.doesNotThrow(
      () => new Webhook(all.secret).verify(received.raw, received.headers as Record<string, string>),
      `${received.body.type} verifies with Webhook.verify`,
    );
    t.equal(received.headers['webhook-signature'], handSignature(all.secret, received), 'and by the spec formula');
    t.match(received.headers['webhook-timestamp'], /^\d+$/);
    t.ok(Math.abs(Number(received.headers['webhook-timestamp']) - Date.now() / 1000) < 300, 'a current timestamp');
  }
  const wrong = new Webhook(filtered.secret);
  t.throws(() => wrong.verify(event.raw, event.headers as Record<string, string>), 'another secret does not verify');
  t.throws(
    () =>
      new Webhook(all.secret).verify(
        event.raw.replace('callsense', 'callsensX'),
        event.headers as Record<string, string>,
      ),
    'an altered body does not verify',
  );

  // Filters: the second endpoint only ever got the type it takes.
  t.same(
    leadsOnly.received.map((r) => r.body.type),
    ['lead.analysis.updated'],
    'the filtered endpoint got only lead.analysis.updated',
  );
  // Once per fact: one webhook-id per delivery, and the webhook-id is the delivery id shown by the API.
  const items = await waitForDeliveries(stack.app, tenant.admin, all.id, () => true, 'deliveries');
  const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
  t.equal(ids.size, receiver.received.length, 'no delivery arrived twice');
  t.same(new Set(items.map((i) => i.id)), ids, 'webhook-id is the delivery id');
  for (const item of items) t.match(item, { status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });

  // A redelivered webhook (a duplicate call) records no new fact.
  await deliverCall(stack.app, tenant.organizationId, tenant.secret, payload);
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(receiver.ofType('call.analyzed').length, 1, 'a duplicate call sends nothing');

  // Test event: a ping to the endpoint whatever types it takes, signed with its secret.
  const ping = await admin.post(`/admin/event-endpoints/${filtered.id}/test`);
  t.equal(ping.statusCode, 202);
  await waitFor(() => leadsOnly.ofType('ping').length === 1, { what: 'the ping' });
  const pinged = leadsOnly.ofType('ping')[0]!;
  t.same(pinged.body.data, { organizationId: tenant.organizationId }, 'ping carries only the organization');
  t.equal(pinged.headers['webhook-id'], ping.json().deliveryId);
  t.doesNotThrow(() => new Webhook(filtered.secret).verify(pinged.raw, pinged.headers as Record<string, string>));

  // Rotation: the new secret signs from now on, the old one no longer verifies.
  const rotated = await admin.post(`/admin/event-endpoints/${filtered.id}/rotate-secret`);
  t.equal(rotated.statusCode, 200);
  const { secret } = rotated.json();
  t.match(secret, /^whsec_/);
  t.not(secret, filtered.secret);
  await admin.post(`/admin/event-endpoints/${filtered.id}/test`);
  await waitFor(() => leadsOnly.ofType('ping').length === 2, { what: 'the second ping' });
  const after = leadsOnly.ofType('ping')[1]!;
  t.doesNotThrow(() => new Webhook(secret).verify(after.raw, after.headers as Record<string, string>), 'new secret');
  t.throws(() => new Webhook(filtered.secret).verify(after.raw, after.headers as Record<string, string>), 'old secret');

  // Stored sealed: the database holds no secret in clear.
  const rows = await stack.orm.em.fork().execute('select secret_sealed from event_endpoints');
  t.notOk(JSON.stringify(rows).includes(secret.slice(6)), 'sealed at rest');

  // The audit log names each change.
  const audit = (await admin.get('/admin/audit?limit=50')).json().items.map((i: { action: string }) => i.action);
  for (const action of ['event_endpoint.created', 'event_endpoint.secret_rotated', 'event_endpoint.tested'])
    t.ok(audit.includes(action), `audited: ${action}`);
});
