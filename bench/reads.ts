// `npm run bench:reads`: how fast authenticated reads are served, next to a floor that does the same work by
// hand. The floor is a bench-only route: the same JWT verification, then the same two primary-key queries
// (the user, then their prompt settings) on a raw `pg` pool — no ORM, no hooks of its own. Load generator,
// API and floor share this process (and the machine's cores), so the ratios are what to compare.
import autocannon from 'autocannon';
import pg from 'pg';
import { bearer } from '../test/support/api.js';
import { fixed, startBenchStack } from './support.js';
import { createTenant } from '../test/support/tenant.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
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

  const results = [];
  for (const route of routes) {
    const result = await load(route, DURATION_S, CONNECTIONS);
    if (result.non2xx || result.errors) {
      throw new Error(`${route.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    }
    results.push({ name: route.name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 });
  }
  const floor = results[0]!;
  console.log(`\nAuthenticated reads, ${CONNECTIONS} connections, ${DURATION_S} s each, one process:`);
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(38)} ${fixed(r.rps, 0).padStart(6)} req/s  p50 ${fixed(r.p50, 1).padStart(5)} ms  ` +
        `p99 ${fixed(r.p99, 1).padStart(5)} ms  throughput ${fixed(r.rps / floor.rps, 2)}× floor  ` +
        `p50 ${fixed(r.p50 / floor.p50, 2)}× floor`,
    );
  }
} finally {
  await pool?.end();
  await stack.close();
}
