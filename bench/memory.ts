// `npm run bench:memory`: the API and a worker in one process (as `npm start` runs them) with the instant local
// model: resident memory when idle, then while BENCH_MEMORY_CALLS (default 10,000) signed webhooks are analysed
// and folded, sampled every tenth of the way. Flat means no growth from identity maps, caches or listeners: the
// last samples should sit where the first ones after warm-up did. The load generator and the local OpenAI
// server share the process (their own records are cleared as the run goes).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deliverCall } from '../test/support/api.js';
import { fixed, inParallel, startBenchStack } from './support.js';
import { createTenant } from '../test/support/tenant.js';

const CALLS = Number(process.env.BENCH_MEMORY_CALLS ?? 10_000);
const LEADS = Number(process.env.BENCH_MEMORY_LEADS ?? 500);
const IN_FLIGHT = 20;
const SAMPLES = 10;

const mb = (bytes: number) => fixed(bytes / 1024 / 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sample(label: string, analysed: number) {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return {
    label,
    analysed,
    'rss MB': mb(rss),
    'heap used MB': mb(heapUsed),
    'heap total MB': mb(heapTotal),
    'external MB': mb(external),
    'array buffers MB': mb(arrayBuffers),
  };
}

// The bundle `npm start` uses, built in a child process so the bundler's memory is not counted here.
const bundleScript = fileURLToPath(new URL('../scripts/build-workflow-bundle.ts', import.meta.url));
execFileSync(process.execPath, ['--import', 'tsx', bundleScript], { stdio: 'inherit' });

const stack = await startBenchStack({ worker: true });
try {
  const tenant = await createTenant(stack);
  const transcript = (i: number) => `agent: Thanks for taking my call (${i}).\nlead: Tell me about the annual plan.`;
  const analysed = async () => {
    const [row] = await stack.orm.em
      .getConnection()
      .execute<{ n: number }[]>(
        `select count(*)::int as n from calls where organization_id = ? and status in ('analyzed', 'failed')`,
        [tenant.organizationId],
      );
    return row!.n;
  };

  // Fails instead of waiting forever when calls stop moving (a budget, an outage): the statuses say why.
  const untilAnalysed = async (target: number) => {
    let last = -1;
    let since = performance.now();
    for (let n = await analysed(); n < target; n = await analysed()) {
      if (n !== last) [last, since] = [n, performance.now()];
      else if (performance.now() - since > 120_000) {
        const statuses = await stack.orm.em
          .getConnection()
          .execute('select status, error, count(*)::int as n from calls where organization_id = ? group by 1, 2', [
            tenant.organizationId,
          ]);
        throw new Error(`no call finished for 2 minutes at ${n} of ${target}: ${JSON.stringify(statuses)}`);
      }
      await sleep(100);
    }
  };

  await sleep(3000);
  const rows = [sample('idle', 0)];
  const chunk = Math.ceil(CALLS / SAMPLES);
  const started = performance.now();
  for (let from = 0; from < CALLS; from += chunk) {
    const to = Math.min(CALLS, from + chunk);
    await inParallel(to - from, IN_FLIGHT, async (i) => {
      const n = from + i;
      const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
        callId: `mem-${n}`,
        userId: tenant.rep.user.id,
        lead: { externalId: `lead-${n % LEADS}` },
        transcript: transcript(n),
      });
      if (res.statusCode !== 202) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
    });
    await untilAnalysed(to);
    stack.fake.requests.length = 0;
    rows.push(sample(`after ${to} calls`, to));
  }
  const seconds = (performance.now() - started) / 1000;

  console.log(
    `\nbench:memory — ${CALLS} calls on ${LEADS} leads, ${IN_FLIGHT} deliveries in flight, instant model, ` +
      `API + worker + load generator in one process, ${fixed(seconds)} s (${fixed(CALLS / seconds)} calls/s)`,
  );
  console.table(rows);
  const rss = rows.map((r) => Number(r['rss MB']));
  const warm = rss[Math.min(2, rss.length - 1)]!;
  const last = rss.at(-1)!;
  const warmCalls = rows[Math.min(2, rows.length - 1)]!.analysed;
  console.log(
    `idle RSS ${fixed(rss[0]!)} MB; RSS after ${warmCalls} calls ${fixed(warm)} MB, ` +
      `after ${CALLS}: ${fixed(last)} MB (${fixed(last / warm, 2)}×); peak ${fixed(Math.max(...rss))} MB`,
  );
} finally {
  await stack.close();
}
