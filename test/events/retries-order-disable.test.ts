// Delivery over time: the backoff and then `failed`, a retry by hand with the same webhook-id, the order of one
// lead's events when attempts fail, and an endpoint that failed everything for 5 days being disabled (audited).
// EVENTS_RETRY_DELAYS_MS shortens the schedule to 300 ms twice (three attempts a round).
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { Webhook } from 'standardwebhooks';
import { startStack, waitFor } from '../support/harness.js';
import { as } from '../support/api.js';
import { createTenant } from '../support/calls.js';
import { recordEvent } from '../../src/domain/events/record-event.js';
import { startReceiver } from './receiver.js';
import { addEndpoint, deliveriesOf, waitForDeliveries } from './support.js';

t.test('delivery retries, order and disabling', async (t) => {
  const stack = await startStack(t, {
    env: { EVENTS_ALLOW_PRIVATE_URLS: 'true', EVENTS_RETRY_DELAYS_MS: '300,300' },
  });
  const tenant = await createTenant(stack);
  const admin = as(stack.app, tenant.admin);

  t.test('a failing receiver: three attempts, then failed; a retry sends the same webhook-id', async (t) => {
    const receiver = await startReceiver(() => 500);
    t.teardown(() => receiver.close());
    const endpoint = await addEndpoint(stack.app, tenant.admin, receiver.url, ['lead.scored']);
    const ping = await admin.post(`/admin/event-endpoints/${endpoint.id}/test`);
    const { deliveryId } = ping.json();
    const [failed] = await waitForDeliveries(
      stack.app,
      tenant.admin,
      endpoint.id,
      (items) => items[0]?.status === 'failed',
      'the delivery to fail',
    );
    t.match(failed, { id: deliveryId, type: 'ping', attempts: 3, lastStatusCode: 500, lastError: 'HTTP 500' });
    t.equal(receiver.received.length, 3, 'one request per attempt');
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
    t.ok(
      gaps.every((gap) => gap >= 250),
      `attempts wait out the backoff (${gaps.join(', ')} ms)`,
    );
    t.same((await deliveriesOf(stack.app, tenant.admin, endpoint.id, '&status=failed')).length, 1, 'status filter');
    t.same((await deliveriesOf(stack.app, tenant.admin, endpoint.id, '&status=delivered')).length, 0);

    receiver.answer = () => 204;
    const retried = await admin.post(`/admin/event-deliveries/${deliveryId}/retry`);
    t.equal(retried.statusCode, 202);
    const [delivered] = await waitForDeliveries(
      stack.app,
      tenant.admin,
      endpoint.id,
      (items) => items[0]?.status === 'delivered',
      'the retried delivery',
    );
    t.match(delivered, { id: deliveryId, attempts: 4, lastStatusCode: 204, lastError: null, deliveredAt: String });
    t.equal(receiver.received.length, 4);
    t.same(new Set(receiver.received.map((r) => r.headers['webhook-id'])), new Set([deliveryId]), 'one webhook-id');
    for (const r of receiver.received)
      t.doesNotThrow(() => new Webhook(endpoint.secret).verify(r.raw, r.headers as Record<string, string>));
    t.equal((await admin.post(`/admin/event-deliveries/${deliveryId}/retry`)).statusCode, 409, 'only failed ones');
  });

  t.test("one lead's events arrive in the order they happened, even when attempts fail", async (t) => {
    // Every delivery's first attempt fails: each event waits for a retry, and the next must wait behind it.
    const seen = new Set<string>();
    const receiver = await startReceiver((r) => {
      const id = String(r.headers['webhook-id']);
      if (seen.has(id)) return 200;
      seen.add(id);
      return 503;
    });
    t.teardown(() => receiver.close());
    const endpoint = await addEndpoint(stack.app, tenant.admin, receiver.url, ['lead.scored', 'call.failed']);
    const leadA = randomUUID();
    const leadB = randomUUID();
    const em = stack.orm.em.fork();
    for (let i = 0; i < 4; i++) {
      for (const leadId of [leadA, leadB]) {
        await em.transactional((tx) =>
          recordEvent(tx, {
            organizationId: tenant.organizationId,
            type: i % 2 ? 'lead.scored' : 'call.failed',
            factKey: `order-test:${leadId}:${i}`,
            leadId,
            data: { leadId, step: i },
          }),
        );
      }
    }
    await waitForDeliveries(
      stack.app,
      tenant.admin,
      endpoint.id,
      (items) => items.length === 8 && items.every((i) => i.status === 'delivered'),
      'all eight delivered',
    );
    for (const leadId of [leadA, leadB]) {
      const steps = receiver.received
        .filter((r) => r.body.data.leadId === leadId)
        .map((r) => r.body.data.step as number);
      t.same(
        steps,
        [0, 0, 1, 1, 2, 2, 3, 3],
        `lead ${leadId === leadA ? 'A' : 'B'}: each event (failed, then sent) in order`,
      );
    }
    t.ok(
      receiver.received.findIndex((r) => r.body.data.leadId === leadB) < receiver.received.length / 2,
      "a lead's waiting events do not hold up another lead's",
    );

    // A fact recorded twice (a retried activity) is delivered once.
    const again = await em.transactional((tx) =>
      recordEvent(tx, {
        organizationId: tenant.organizationId,
        type: 'lead.scored',
        factKey: `order-test:${leadA}:1`,
        leadId: leadA,
        data: { leadId: leadA, step: 1 },
      }),
    );
    t.equal(again, 0, 'the same fact adds no delivery');
  });

  t.test('an endpoint that failed everything for 5 days is disabled, and the audit log says so', async (t) => {
    const receiver = await startReceiver(() => 500);
    t.teardown(() => receiver.close());
    const endpoint = await addEndpoint(stack.app, tenant.admin, receiver.url, ['lead.scored']);
    const em = stack.orm.em.fork();
    // Four days of failures: still enabled after another failed attempt.
    await em.execute(`update event_endpoints set failing_since = now() - interval '4 days' where id = ?`, [
      endpoint.id,
    ]);
    await admin.post(`/admin/event-endpoints/${endpoint.id}/test`);
    await waitFor(() => receiver.received.length >= 1, { what: 'an attempt' });
    t.equal(
      (await admin.get('/admin/event-endpoints')).json().find((e: { id: string }) => e.id === endpoint.id).enabled,
      true,
    );
    await waitForDeliveries(stack.app, tenant.admin, endpoint.id, (i) => i[0]?.status === 'failed', 'failed');

    await em.execute(`update event_endpoints set failing_since = now() - interval '5 days 1 minute' where id = ?`, [
      endpoint.id,
    ]);
    const ping = await admin.post(`/admin/event-endpoints/${endpoint.id}/test`);
    const { deliveryId } = ping.json();
    await waitFor(
      async () =>
        !(await admin.get('/admin/event-endpoints')).json().find((e: { id: string }) => e.id === endpoint.id).enabled,
      { what: 'the endpoint to be disabled' },
    );
    const items = await deliveriesOf(stack.app, tenant.admin, endpoint.id);
    t.match(
      items.find((i) => i.id === deliveryId),
      { status: 'failed', lastError: 'The endpoint is disabled' },
    );
    const audit = (await admin.get('/admin/audit?limit=100')).json().items;
    const entry = audit.find((i: { action: string }) => i.action === 'event_endpoint.disabled');
    t.match(entry, {
      actor: null,
      target: { type: 'event_endpoint', id: endpoint.id },
      details: { reason: 'Every delivery failed for 5 days' },
    });
    t.equal((await admin.post(`/admin/event-endpoints/${endpoint.id}/test`)).statusCode, 409, 'no test while off');
    t.equal((await admin.post(`/admin/event-deliveries/${deliveryId}/retry`)).statusCode, 409, 'no retry while off');
    const before = receiver.received.length;
    await em.transactional((tx) =>
      recordEvent(tx, {
        organizationId: tenant.organizationId,
        type: 'lead.scored',
        factKey: `disabled:${randomUUID()}`,
        leadId: randomUUID(),
        data: {},
      }),
    );

    // Enabled again by an admin: the failed delivery can be sent again, with the same id.
    receiver.answer = () => 200;
    const enabled = await admin.patch(`/admin/event-endpoints/${endpoint.id}`, { enabled: true });
    t.match(enabled.json(), { enabled: true });
    t.equal((await admin.post(`/admin/event-deliveries/${deliveryId}/retry`)).statusCode, 202);
    await waitFor(() => receiver.byId(deliveryId).some((r) => r.at > 0) && receiver.received.length > before, {
      what: 'the retried delivery',
    });
    await waitForDeliveries(
      stack.app,
      tenant.admin,
      endpoint.id,
      (i) => i.find((d) => d.id === deliveryId)?.status === 'delivered',
      'delivered',
    );
    t.equal(
      receiver.received.slice(before).filter((r) => r.body.type === 'lead.scored').length,
      0,
      'nothing recorded for the endpoint while it was disabled',
    );

    // Disabled by an admin: its pending deliveries fail at once.
    receiver.answer = () => 500;
    await admin.post(`/admin/event-endpoints/${endpoint.id}/test`);
    await waitFor(() => receiver.received.length > before + 1, { what: 'a failing attempt' });
    t.equal((await admin.patch(`/admin/event-endpoints/${endpoint.id}`, { enabled: false })).statusCode, 200);
    const after = await deliveriesOf(stack.app, tenant.admin, endpoint.id, '&status=pending');
    t.equal(after.length, 0, 'nothing left pending');
  });
});
