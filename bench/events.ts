// `npm run bench:events`: outbound events while calls are analysed. The same burst of calls runs twice on one
// stack: with no event endpoint (the baseline: the analysis rate alone), then with an endpoint per organization
// on a local receiver subscribed to every type. It prints the analysis rate of both runs, the events delivered
// per second to the receiver, and the delay from each recorded fact to its arrival.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { as, deliverCall } from '../test/support/api.js';
import { createTenant, type Tenant } from '../test/support/tenant.js';
import { fixed, inParallel, percentile, startBenchStack, type BenchStack } from './support.js';

const CALLS = 150;
const LEADS = 30;
const ORGANIZATIONS = 5;
const IN_FLIGHT = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => (performance.now() - since) / 1000;

/** A receiver that answers 200 at once and notes when each event arrived and when its fact was recorded. */
async function startReceiver() {
  const arrivals: { at: number; delayMs: number }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
      arrivals.push({ at: performance.now(), delayMs: Date.now() - Date.parse(body.timestamp) });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  return { url, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function analysed(stack: BenchStack, organizationIds: string[]): Promise<number> {
  const [row] = await stack.orm.em.fork().execute<{ finished: number }[]>(
    `select count(*) filter (where status in ('analyzed', 'failed'))::int as finished from calls
        where organization_id in (select unnest(?::uuid[]))`,
    [`{${organizationIds.join(',')}}`],
  );
  return row?.finished ?? 0;
}

async function pendingDeliveries(stack: BenchStack): Promise<number> {
  const [row] = await stack.orm.em
    .fork()
    .execute<{ pending: number }[]>(`select count(*)::int as pending from event_deliveries where status = 'pending'`);
  return row?.pending ?? 0;
}

/** Delivers CALLS calls over fresh organizations and waits until all are analysed; calls/s. */
async function runCalls(stack: BenchStack, tenants: Tenant[], tag: string) {
  const started = performance.now();
  await inParallel(CALLS, IN_FLIGHT, async (i) => {
    const tenant = tenants[i % tenants.length]!;
    const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
      callId: `${tag}-${i}`,
      userId: tenant.rep.user.id,
      lead: { externalId: `lead-${i % LEADS}`, name: `Lead ${i % LEADS}` },
      transcript: `agent: Call ${i}.\nlead: We are interested in the annual plan.`,
    });
    if (res.statusCode !== 202) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
  });
  const ids = tenants.map((tenant) => tenant.organizationId);
  while ((await analysed(stack, ids)) < CALLS) await sleep(50);
  return { started, rate: CALLS / seconds(started), seconds: seconds(started) };
}

const stack = await startBenchStack({ worker: true, env: { EVENTS_ALLOW_PRIVATE_URLS: 'true' } });
const receiver = await startReceiver();
try {
  const newTenants = async () => Promise.all(Array.from({ length: ORGANIZATIONS }, () => createTenant(stack)));

  const baseline = await runCalls(stack, await newTenants(), 'plain');

  const tenants = await newTenants();
  for (const tenant of tenants) {
    const res = await as(stack.app, tenant.admin).post('/admin/event-endpoints', {
      url: receiver.url,
      events: ['call.analyzed', 'call.failed', 'lead.analysis.updated', 'lead.scored'],
    });
    if (res.statusCode !== 201) throw new Error(`endpoint: ${res.statusCode} ${res.body}`);
  }
  const withEvents = await runCalls(stack, tenants, 'events');
  // Folds (lead.analysis.updated) follow the analyses by the lead workflow's debounce: wait for every delivery.
  while ((await pendingDeliveries(stack)) > 0) await sleep(100);
  const lastArrival = Math.max(...receiver.arrivals.map((a) => a.at));
  const delivered = receiver.arrivals.length;
  const deliverySeconds = (lastArrival - withEvents.started) / 1000;
  const delays = receiver.arrivals.map((a) => a.delayMs);

  console.log(
    `\nbench:events — ${CALLS} calls on ${LEADS} leads in ${ORGANIZATIONS} organizations, ${IN_FLIGHT} deliveries in flight, one worker, Temporal at ${stack.temporalAddress}`,
  );
  console.table({
    'no endpoint (baseline)': {
      'calls analysed/s': fixed(baseline.rate),
      'vs baseline': '1.00',
      'events delivered': 0,
      'events/s': '—',
    },
    'an endpoint per organization': {
      'calls analysed/s': fixed(withEvents.rate),
      'vs baseline': fixed(withEvents.rate / baseline.rate, 2),
      'events delivered': delivered,
      'events/s': fixed(delivered / deliverySeconds),
      'fact → arrival p50 (ms)': fixed(percentile(delays, 50), 0),
      'p95 (ms)': fixed(percentile(delays, 95), 0),
    },
  });
} finally {
  await receiver.close();
  await stack.close();
}
