// `npm run bench:start`: raw workflow starts against the Temporal dev server as `npm start` runs it (a SQLite
// file on disk), with SQLite's default pragmas and with the ones `npm start` uses (WAL, synchronous=normal),
// one after the other in the same run on fresh files; no worker, so this measures the server's persistence.
// Then signed webhooks over HTTP on a fresh file with `npm start`'s pragmas while a worker analyses them, as
// a user's `npm start` receives calls, against the raw starts.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { resolveTemporalCli } from '../src/platform/temporal-cli.js';
import { SQLITE_PRAGMAS, startTemporalDevServer } from '../src/platform/temporal-dev-server.js';
import { freePort } from '../test/support/free-port.js';
import { benchRounds, fixed, formatRatio, inParallel, interleave, machineLine, median, percentile } from './support.js';
import { benchNoop } from './noop-workflow.js';
import { startBenchStack } from './support.js';
import { createTenant } from '../test/support/tenant.js';
import { signWebhook } from '../src/domain/webhooks/signature.js';

const STARTS = Number(process.env.BENCH_STARTS ?? 2000);
const IN_FLIGHT = 32;
const ROUNDS = benchRounds();

/** Warms up with 100 tasks, then runs STARTS of them IN_FLIGHT at a time: the rate and latency percentiles. */
async function rateOf(task: () => Promise<unknown>) {
  await inParallel(100, 8, async () => {
    await task();
  });
  const latencies: number[] = [];
  const began = performance.now();
  await inParallel(STARTS, IN_FLIGHT, async () => {
    const t0 = performance.now();
    await task();
    latencies.push(performance.now() - t0);
  });
  const seconds = (performance.now() - began) / 1000;
  return { perSecond: STARTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function fileServer(pragmas: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'callsense-bench-start-'));
  const server = await startTemporalDevServer(
    {
      cli: await resolveTemporalCli(),
      port: await freePort(),
      namespace: 'default',
      dbFile: join(dir, 'temporal.sqlite'),
      logFile: join(dir, 'temporal.log'),
      sqlitePragmas: pragmas,
    },
    () => undefined,
  );
  return { server, dir };
}

async function measure(pragmas: string[]) {
  const { server, dir } = await fileServer(pragmas);
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const start = (id: string) => client.workflow.start(benchNoop, { taskQueue: 'bench-start', workflowId: id });
    return await rateOf(() => start(randomUUID()));
  } finally {
    await connection.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Signed webhooks over HTTP, IN_FLIGHT at a time, while the in-process worker analyses them (instant model). */
async function webhooksWhileAnalysing() {
  const { server, dir } = await fileServer(SQLITE_PRAGMAS);
  process.env.TEMPORAL_ADDRESS = server.address;
  const stack = await startBenchStack({ worker: true });
  try {
    const tenant = await createTenant(stack);
    const url = `${await stack.app.listen({ host: '127.0.0.1', port: 0 })}/api/webhooks/calls/${tenant.organizationId}`;
    const deliver = async () => {
      const body = JSON.stringify({
        callId: randomUUID(),
        userId: tenant.rep.user.id,
        lead: { externalId: `lead-${Math.floor(Math.random() * 200)}` },
        transcript: 'agent: Hello, is now a good time?\nlead: Yes, tell me about pricing for twenty seats.',
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-callsense-timestamp': String(timestamp),
          'x-callsense-signature': signWebhook(tenant.secret, timestamp, body),
        },
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
    };
    return await rateOf(deliver);
  } finally {
    await stack.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(
  `${STARTS} workflow starts per round, ${IN_FLIGHT} in flight, Temporal dev server on a SQLite file, ${ROUNDS} rounds (default pragmas, tuned, default, …)`,
);
console.log(`before: ${machineLine()}`);
const samples: Record<'plain' | 'tuned', Awaited<ReturnType<typeof measure>>[]> = { plain: [], tuned: [] };
const sample = (kind: 'plain' | 'tuned', pragmas: string[]) => async () => {
  const result = await measure(pragmas);
  samples[kind].push(result);
  return { rate: result.perSecond, p50: result.p50 };
};
const pragmaRounds = await interleave({
  rounds: ROUNDS,
  baseline: sample('plain', []),
  subjects: { tuned: sample('tuned', SQLITE_PRAGMAS) },
});
const medianOf = (rows: Awaited<ReturnType<typeof measure>>[], key: 'perSecond' | 'p50' | 'p99') =>
  median(rows.map((row) => row[key]));
const [plain, tuned] = [samples.plain, samples.tuned];
console.log(
  `  default pragmas             ${fixed(medianOf(plain, 'perSecond'))} starts/s, p50 ${fixed(medianOf(plain, 'p50'))} ms, p99 ${fixed(medianOf(plain, 'p99'))} ms (medians)`,
);
console.log(
  `  ${SQLITE_PRAGMAS.join(', ')}  ${fixed(medianOf(tuned, 'perSecond'))} starts/s, p50 ${fixed(medianOf(tuned, 'p50'))} ms, p99 ${fixed(medianOf(tuned, 'p99'))} ms (medians)`,
);
console.log(`  ratio tuned/default: ${formatRatio(pragmaRounds.ratios.tuned)} starts/s`);
const webhooks = await webhooksWhileAnalysing();
console.log(
  `  signed webhooks (HTTP), worker analysing, ${SQLITE_PRAGMAS.join(', ')}  ${fixed(webhooks.perSecond)}/s, p50 ${fixed(webhooks.p50)} ms, p99 ${fixed(webhooks.p99)} ms`,
);
console.log(
  `  ratio webhooks/raw starts (same pragmas, one webhook run against the median of the tuned rounds): ${fixed(webhooks.perSecond / medianOf(tuned, 'perSecond'), 2)}× per second, p50 ${fixed(webhooks.p50 / medianOf(tuned, 'p50'), 2)}×`,
);
console.log(`after:  ${machineLine()}`);
