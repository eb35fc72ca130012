// `npm run bench:reads`: how fast authenticated reads are served, next to a floor that does the same work by
// hand. The floor is a bench-only route: the same JWT verification, then the same two primary-key queries
// (the user, then their prompt settings) on a raw `pg` pool — no ORM, no hooks of its own. Load generator,
// API and floor share this process (and the machine's cores), so the ratios are what to compare. The floor and
// the routes run interleaved in short rounds (`--rounds N`, default 5); each ratio is the median of its rounds'.
import autocannon from 'autocannon';
import pg from 'pg';
import { bearer } from '../test/support/api.js';
import {
  benchRounds,
  fixed,
  formatRatio,
  interleave,
  machineLine,
  median,
  startBenchStack,
  type RoundSample,
} from './support.js';
import { createTenant } from '../test/support/tenant.js';

// Per route and round: short, so each round's routes see the same machine (BENCH_DURATION_S overrides).
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2);
const ROUNDS = benchRounds();
const CONNECTIONS = 10;
const FLOOR_URL = '/bench/floor/my-prompts';

let pool: pg.Pool | undefined;
const stack = await startBenchStack({
  worker: false,
  // Only a loop stuck this long is overload: shared machines stall for seconds, and a 503 would end the run.
  pressure: { maxEventLoopDelay: 30_000 },
  extraRoutes: (app) => {
    app.get(FLOOR_URL, async (request) => {
      const claims = await request.jwtVerify<{ sub: string; org: string }>();
      const key = [claims.sub, claims.org];
      const user = await pool!.query('select id, role from users where id = $1 and organization_id = $2', key);
      if (!user.rowCount) throw new Error('no such user');
      const settings = await pool!.query(
        'select openai_individual_prompt_id, openai_complete_prompt_id from users' +
          ' where id = $1 and organization_id = $2',
        key,
      );
      return settings.rows[0];
    });
  },
});
try {
  pool = new pg.Pool({ connectionString: stack.config.databaseUrl, max: 20 });
  // An idle client whose backend is terminated (the scratch database dropped at the end, or a shared server's
  // cleanup) emits on the pool; without a listener that ends the process after the figures are printed.
  pool.on('error', (error) => console.error(`floor pool: ${error.message}`));
  const tenant = await createTenant(stack);
  const address = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const headers = bearer(tenant.rep.token);

  const routes = [
    { name: 'floor (JWT + 2 pk queries, raw pg)', path: FLOOR_URL, headers },
    { name: 'GET /api/openai-prompts/my-prompts', path: '/api/openai-prompts/my-prompts', headers },
    { name: 'GET /api/auth/me', path: '/api/auth/me', headers },
    { name: 'GET /api/healthz', path: '/api/healthz', headers: {} },
  ];
  // Every route answers 200 before anything is measured: a bench of 401s would measure nothing.
  for (const route of routes) {
    const res = await stack.app.inject({ method: 'GET', url: route.path, headers: route.headers });
    if (res.statusCode !== 200) throw new Error(`${route.name} answered ${res.statusCode}: ${res.body}`);
  }
  // Warm-up: connection pools and JIT, for every route.
  const load = (route: (typeof routes)[number], duration: number, connections: number) =>
    autocannon({ url: `${address}${route.path}`, headers: route.headers, duration, connections });
  for (const route of routes) await load(route, 1, 2);

  const loadBefore = machineLine();
  const p99s = new Map<string, number[]>();
  const measure = (route: (typeof routes)[number]) => async (): Promise<RoundSample> => {
    const result = await load(route, DURATION_S, CONNECTIONS);
    if (result.non2xx || result.errors) {
      throw new Error(`${route.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    }
    p99s.set(route.name, [...(p99s.get(route.name) ?? []), result.latency.p99]);
    return { rate: result.requests.average, p50: result.latency.p50 };
  };
  const [floorRoute, ...subjectRoutes] = routes;
  const result = await interleave({
    rounds: ROUNDS,
    baseline: measure(floorRoute!),
    subjects: Object.fromEntries(subjectRoutes.map((route) => [route.name, measure(route)])),
  });
  console.log(
    `\nAuthenticated reads, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per route, one process:`,
  );
  console.log(`before: ${loadBefore}`);
  console.log(`after:  ${machineLine()}`);
  const line = (name: string, samples: RoundSample[]) =>
    `  ${name.padEnd(38)} ${fixed(median(samples.map((s) => s.rate)), 0).padStart(6)} req/s  ` +
    `p50 ${fixed(median(samples.map((s) => s.p50 ?? NaN)), 1).padStart(5)} ms  ` +
    `p99 ${fixed(median(p99s.get(name) ?? []), 1).padStart(5)} ms`;
  console.log(`${line(floorRoute!.name, result.baseline)}  (medians of the rounds)`);
  for (const route of subjectRoutes) {
    const p50 = result.p50Ratios[route.name];
    console.log(
      `${line(route.name, result.subjects[route.name]!)}  throughput ${formatRatio(result.ratios[route.name]!)} floor` +
        (p50 ? `, p50 ${formatRatio(p50)}` : ''),
    );
  }
} finally {
  await pool?.end();
  await stack.close();
}
