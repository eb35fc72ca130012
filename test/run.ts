// `npm test`: brings up the real services once per run, then runs tap.
//  - Temporal: TEMPORAL_ADDRESS when set, otherwise a Temporal CLI dev server on a free port (built with Go if needed).
//  - PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), or an embedded server
//    when nothing answers there. A migrated template database is made once; each test file clones its own.
//  - The workflow bundle is built once and shared by every test file's workers.
//  - The web console is built (Vite) when its build is missing or older than src/web: the browser tests use it.
// Everything is torn down afterwards; the exit code is tap's.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createOrm } from '../src/db/orm.js';
import { migrateUp } from '../src/db/migrate.js';
import { resolveTemporalCli } from '../src/platform/temporal-cli.js';
import { startTemporalDevServer } from '../src/platform/temporal-dev-server.js';
import { startEmbeddedPostgres } from '../src/platform/embedded-postgres.js';
import { workflowsPath } from '../src/worker/worker.js';
import { ensureConsoleBuilt } from '../src/platform/console-build.js';
import { freePort } from './support/free-port.js';
import { dropDatabase, withServer } from './support/databases.js';

const log = (m: string) => console.error(`[test] ${m}`);
const cleanups: (() => Promise<unknown>)[] = [];
const cleanup = async () => {
  for (const c of cleanups.reverse()) await c().catch((e) => log(`cleanup: ${(e as Error).message}`));
  cleanups.length = 0;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().then(() => process.exit(130)));

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

let exitCode = 1;
try {
  const scratch = await mkdtemp(join(tmpdir(), 'callsense-test-'));
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));

  // PostgreSQL
  let serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (!(await answers(serverUrl))) {
    log(`nothing answers at ${serverUrl.replace(/:[^:@/]+@/, ':***@')}: starting an embedded PostgreSQL`);
    const pgServer = await startEmbeddedPostgres({
      dir: join(scratch, 'postgres'),
      port: await freePort(),
      persistent: false,
    });
    cleanups.push(() => pgServer.stop());
    serverUrl = pgServer.serverUrl;
  }
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const template = `callsense_test_${runId}_template`;
  await withServer(serverUrl, (c) => c.query(`create database "${template}"`));
  cleanups.push(() =>
    withServer(serverUrl, async (c) => {
      const { rows } = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [
        `callsense_test_${runId}_%`,
      ]);
      for (const { datname } of rows) await dropDatabase(c, datname);
    }),
  );
  const orm = await createOrm(new URL(`/${template}`, serverUrl).toString());
  try {
    await migrateUp(orm);
  } finally {
    await orm.close();
  }

  // Temporal
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const cli = await resolveTemporalCli();
    const server = await startTemporalDevServer({
      cli,
      port: await freePort(),
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      logFile: join(scratch, 'temporal.log'),
    });
    cleanups.push(() => server.stop());
    temporalAddress = server.address;
    log(`Temporal dev server on ${temporalAddress}`);
  }

  // CALLSENSE_SKIP_CONSOLE_BUILD=1: a run of API-only test files while the console is being edited.
  if (process.env.CALLSENSE_SKIP_CONSOLE_BUILD !== '1' && (await ensureConsoleBuilt(log))) log('web console built');

  // One workflow bundle for the whole run.
  const bundle = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never,
  });
  const bundlePath = join(scratch, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);

  const child = spawn('tap', process.argv.slice(2), {
    stdio: 'inherit',
    env: {
      ...process.env,
      CALLSENSE_TEST_DB_SERVER_URL: serverUrl,
      CALLSENSE_TEST_DB_TEMPLATE: template,
      CALLSENSE_TEST_RUN_ID: runId,
      CALLSENSE_TEST_TEMPORAL_ADDRESS: temporalAddress,
      WORKFLOW_BUNDLE_PATH: bundlePath,
    },
  });
  exitCode = await new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))),
  );
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
