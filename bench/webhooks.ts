// `npm run bench:webhooks`: how fast signed webhooks are taken in (HTTP → signature → PostgreSQL → workflow
// started), next to a bare `client.workflow.start` loop on the same Temporal server. No worker runs: this
// measures intake alone. Load generator and API share this process (and the machine's cores) — so does
// the bare loop, which keeps the ratio fair.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { signWebhook } from '../src/domain/webhooks/signature.js';
import { callWorkflowId } from '../src/temporal/ids.js';
import { ensureCallWorkflow } from '../src/temporal/starters.js';
import { fixed, percentile, startBenchStack } from './support.js';
import { createTenant } from '../test/support/tenant.js';

const DURATION_S = 10;
const CONNECTIONS = 10;

const stack = await startBenchStack({ worker: false });
try {
  const tenant = await createTenant(stack);
  const address = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const transcript = 'agent: Hello, is now a good time?\nlead: Yes, tell me about pricing for twenty seats.';

  // Warm-up: connection pools, JIT, Temporal's first-start costs.
  await autocannon({ url: `${address}/api/healthz`, duration: 1, connections: 2 });

  let accepted = 0;
  let statusErrors = 0;
  const webhook = await autocannon({
    url: `${address}/api/webhooks/calls/${tenant.organizationId}`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        // Every request a new provider call, signed now, on one of 50 leads.
        setupRequest: (request) => {
          const body = JSON.stringify({
            callId: randomUUID(),
            userId: tenant.rep.user.id,
            lead: { externalId: `lead-${Math.floor(Math.random() * 50)}` },
            transcript,
          });
          const timestamp = Math.floor(Date.now() / 1000);
          return {
            ...request,
            body,
            headers: {
              'content-type': 'application/json',
              'x-callsense-timestamp': String(timestamp),
              'x-callsense-signature': signWebhook(tenant.secret, timestamp, body),
            },
          };
        },
        onResponse: (status) => {
          if (status === 202) accepted++;
          else statusErrors++;
        },
      },
    ],
  });
  const [stored] = await stack.orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from calls');

  // The same starts (the intake's own starter: id, arguments, search attributes) straight to Temporal, same
  // concurrency, on a task queue no worker serves.
  const latencies: number[] = [];
  const rawConfig = { ...stack.config, temporal: { ...stack.config.temporal, taskQueue: `bench-raw-${randomUUID()}` } };
  const deadline = Date.now() + DURATION_S * 1000;
  const rawStarted = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        const callId = randomUUID();
        const started = performance.now();
        await ensureCallWorkflow(stack.temporal.client, rawConfig, {
          organizationId: tenant.organizationId,
          userId: tenant.rep.user.id,
          leadId: randomUUID(),
          callRowId: randomUUID(),
          workflowId: callWorkflowId(tenant.organizationId, callId),
        });
        latencies.push(performance.now() - started);
      }
    }),
  );
  const rawSeconds = (Date.now() - rawStarted) / 1000;
  const rawRate = latencies.length / rawSeconds;
  const webhookRate = webhook.requests.total / webhook.duration;

  console.log(
    `\nbench:webhooks — ${CONNECTIONS} concurrent clients, ${DURATION_S} s each, loopback, Temporal at ${stack.temporalAddress}`,
  );
  console.table({
    'signed webhook → workflow started': {
      'requests/s': fixed(webhookRate),
      'p50 ms': fixed(webhook.latency.p50),
      'p99 ms': fixed(webhook.latency.p99),
      requests: webhook.requests.total,
      'non-202': statusErrors + webhook.errors + webhook.timeouts,
    },
    'bare client.workflow.start': {
      'requests/s': fixed(rawRate),
      'p50 ms': fixed(percentile(latencies, 50)),
      'p99 ms': fixed(percentile(latencies, 99)),
      requests: latencies.length,
      'non-202': 0,
    },
  });
  console.log(
    `webhook intake runs at ${fixed(webhookRate / rawRate, 2)}× the bare start rate (p50 latency ${fixed(webhook.latency.p50 / percentile(latencies, 50), 2)}× the bare start's)`,
  );
  // Requests still in flight when the clock stops are stored but not counted by autocannon.
  console.log(
    `calls stored: ${stored!.n} for ${accepted} answers 202 (and ${stored!.n - accepted} in flight at the end)`,
  );
} finally {
  await stack.close();
}
