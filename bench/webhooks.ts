// `npm run bench:webhooks`: how fast signed webhooks are taken in (HTTP → signature → PostgreSQL → workflow
// started), next to a bare `client.workflow.start` loop on the same Temporal server. No worker runs: this
// measures intake alone. Load generator and API share this process (and the machine's cores) — so does
// the bare loop, which keeps the ratio fair. The two run interleaved in short rounds (`--rounds N`, default 5)
// and the ratio is the median of the rounds' ratios, with its range.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { signWebhook } from '../src/domain/webhooks/signature.js';
import { callWorkflowId } from '../src/temporal/ids.js';
import { ensureCallWorkflow } from '../src/temporal/starters.js';
import {
  benchRounds,
  fixed,
  formatRatio,
  interleave,
  machineLine,
  median,
  percentile,
  startBenchStack,
  type RoundSample,
} from './support.js';
import { createTenant } from '../test/support/tenant.js';

const ROUND_S = 3; // per side and round: short, so the A/B pairs see the same machine
const CONNECTIONS = 10;
const ROUNDS = benchRounds();

const stack = await startBenchStack({ worker: false });
try {
  const tenant = await createTenant(stack);
  const address = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const transcript = 'agent: Hello, is now a good time?\nlead: Yes, tell me about pricing for twenty seats.';

  // Warm-up: connection pools, JIT, Temporal's first-start costs.
  await autocannon({ url: `${address}/api/healthz`, duration: 1, connections: 2 });
  const loadBefore = machineLine();

  let accepted = 0;
  let statusErrors = 0;
  let webhookErrors = 0;
  const webhookRound = async (): Promise<RoundSample> => {
    const webhook = await autocannon({
      url: `${address}/api/webhooks/calls/${tenant.organizationId}`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: ROUND_S,
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
    webhookErrors += webhook.errors + webhook.timeouts;
    webhookLatencies.push(webhook.latency.p50);
    webhookP99.push(webhook.latency.p99);
    return { rate: webhook.requests.total / webhook.duration, p50: webhook.latency.p50 };
  };
  const webhookLatencies: number[] = [];
  const webhookP99: number[] = [];

  // The same starts (the intake's own starter: id, arguments, search attributes) straight to Temporal, same
  // concurrency, on a task queue no worker serves.
  const rawConfig = { ...stack.config, temporal: { ...stack.config.temporal, taskQueue: `bench-raw-${randomUUID()}` } };
  const rawP50: number[] = [];
  const rawP99: number[] = [];
  const bareRound = async (): Promise<RoundSample> => {
    const latencies: number[] = [];
    const deadline = Date.now() + ROUND_S * 1000;
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
    rawP50.push(percentile(latencies, 50));
    rawP99.push(percentile(latencies, 99));
    return { rate: latencies.length / ((Date.now() - rawStarted) / 1000), p50: percentile(latencies, 50) };
  };

  const result = await interleave({
    rounds: ROUNDS,
    baseline: bareRound,
    subjects: { webhook: webhookRound },
  });
  const [stored] = await stack.orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from calls');

  console.log(
    `\nbench:webhooks — ${CONNECTIONS} concurrent clients, ${ROUNDS} rounds of ${ROUND_S} s per side (bare start, webhook, bare start, …), loopback, Temporal at ${stack.temporalAddress}`,
  );
  console.log(`before: ${loadBefore}`);
  console.log(`after:  ${machineLine()}`);
  console.table({
    'signed webhook → workflow started': {
      'requests/s (median)': fixed(median(result.subjects.webhook.map((s) => s.rate))),
      'p50 ms (median)': fixed(median(webhookLatencies)),
      'p99 ms (median)': fixed(median(webhookP99)),
      'non-202': statusErrors + webhookErrors,
    },
    'bare client.workflow.start': {
      'requests/s (median)': fixed(median(result.baseline.map((s) => s.rate))),
      'p50 ms (median)': fixed(median(rawP50)),
      'p99 ms (median)': fixed(median(rawP99)),
      'non-202': 0,
    },
  });
  console.log(`webhook intake vs the bare start rate: ${formatRatio(result.ratios.webhook)}`);
  const p50 = result.p50Ratios.webhook;
  if (p50) console.log(`webhook p50 latency vs the bare start's: ${formatRatio(p50)}`);
  // Requests still in flight when a round's clock stops are stored but not counted by autocannon.
  console.log(
    `calls stored: ${stored!.n} for ${accepted} answers 202 (and ${stored!.n - accepted} in flight at a round's end)`,
  );
} finally {
  await stack.close();
}
