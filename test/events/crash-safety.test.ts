// A worker stopped in the middle of a delivery loses no event and sends none twice, except that the receiver may
// see the same webhook-id again (the attempt whose outcome was never recorded). Events recorded while no worker
// runs are delivered once one is back.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { startStack, waitFor } from '../support/harness.js';
import { as } from '../support/api.js';
import { createTenant } from '../support/calls.js';
import { recordEvent } from '../../src/domain/events/record-event.js';
import { startReceiver } from './receiver.js';
import { addEndpoint, waitForDeliveries } from './support.js';

t.test('stopping the worker mid-delivery', async (t) => {
  const stack = await startStack(t, {
    env: { EVENTS_ALLOW_PRIVATE_URLS: 'true', EVENTS_RETRY_DELAYS_MS: '300,300,300,300,300' },
  });
  const tenant = await createTenant(stack);
  // The first request is held open and never answered: the worker is stopped while it waits.
  let release: (() => void) | undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const receiver = await startReceiver((_r, index) => (index === 0 ? held.then(() => 200) : 200));
  t.teardown(() => {
    release?.();
    return receiver.close();
  });
  const endpoint = await addEndpoint(stack.app, tenant.admin, receiver.url, ['lead.scored', 'call.failed']);
  const em = stack.orm.em.fork();
  const record = (leadId: string, step: number) =>
    em.transactional((tx) =>
      recordEvent(tx, {
        organizationId: tenant.organizationId,
        type: 'lead.scored',
        factKey: `crash:${leadId}:${step}`,
        leadId,
        data: { leadId, step },
      }),
    );
  const leadA = randomUUID();
  const leadB = randomUUID();
  for (let step = 0; step < 3; step++) {
    await record(leadA, step);
    await record(leadB, step);
  }
  await waitFor(() => receiver.received.length >= 1, { what: 'the first request' });
  const heldId = receiver.received[0]!.headers['webhook-id'];

  // The worker (and its relay) stop while that request is in flight; the receiver never answers it.
  await stack.stopWorker();
  const whileStopped = receiver.received.length;
  // Facts keep being recorded meanwhile (an API process, another worker's activities).
  for (let step = 3; step < 5; step++) {
    await record(leadA, step);
    await record(leadB, step);
  }
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(receiver.received.length, whileStopped, 'nothing is sent without a worker');

  await stack.startWorker();
  const items = await waitForDeliveries(
    stack.app,
    tenant.admin,
    endpoint.id,
    (items) => items.length === 10 && items.every((i) => i.status === 'delivered'),
    'all ten delivered after the restart',
    90_000,
  );
  t.equal(items.length, 10, 'no event lost');

  // The only duplicates are repeats of one webhook-id with the same body; no fact went out under two ids.
  const byId = new Map<string, string[]>();
  for (const r of receiver.received) {
    const id = String(r.headers['webhook-id']);
    byId.set(id, [...(byId.get(id) ?? []), r.raw]);
  }
  t.equal(byId.size, 10, 'one webhook-id per event');
  for (const [id, bodies] of byId) t.equal(new Set(bodies).size, 1, `${id}: every copy is the same event`);
  const facts = [...byId.values()].map((bodies) => {
    const body = JSON.parse(bodies[0]!);
    return `${body.data.leadId}:${body.data.step}`;
  });
  t.equal(new Set(facts).size, 10, 'no fact under two webhook-ids');
  t.ok((byId.get(String(heldId))?.length ?? 0) >= 2, 'the interrupted delivery was sent again with its webhook-id');
  const repeated = [...byId.entries()].filter(([, bodies]) => bodies.length > 1).map(([id]) => id);
  t.same(repeated, [heldId], 'and it is the only one the receiver saw twice');

  // Each lead's events still arrived in order (first arrival of each).
  for (const leadId of [leadA, leadB]) {
    const firstSeen: number[] = [];
    for (const r of receiver.received) {
      if (r.body.data.leadId !== leadId) continue;
      const step = r.body.data.step as number;
      if (!firstSeen.includes(step)) firstSeen.push(step);
    }
    t.same(firstSeen, [0, 1, 2, 3, 4], 'in order');
  }
  t.equal(
    (await as(stack.app, tenant.admin).get(`/admin/event-endpoints/${endpoint.id}/deliveries?status=pending`)).json()
      .items.length,
    0,
  );
});
