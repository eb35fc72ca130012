// `npm start` stops everything it started on Ctrl-C; a leftover dev server of its own is stopped at the next
// start; a server it did not start is never adopted.
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../src/platform/processes.js';
import { resolveTemporalCli } from '../../src/platform/temporal-cli.js';
import { startTemporalDevServer } from '../../src/platform/temporal-dev-server.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/harness.js';

/** Every process descended from `root` (the embedded servers keep their parent even in their own groups). */
function descendants(root: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found = [root];
  for (let i = 0; i < found.length; i++) for (const [pid, ppid] of rows) if (ppid === found[i]) found.push(pid);
  return found;
}

for (const [how, signal, group] of [
  ['SIGINT to its process group (Ctrl-C)', 'SIGINT', true],
  ['SIGTERM to it alone', 'SIGTERM', false],
] as const)
  t.test(`npm start, then ${how}: no process of the run remains`, async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'callsense-start-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      CALLSENSE_DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      EMBEDDED_TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'JWT_SECRET', 'TEMPORAL_CLI']) delete env[key];
    const child = spawn(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    let pids: number[] = [];
    t.teardown(async () => {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      // As root under a private temp folder, the data lives elsewhere behind a symbolic link: remove both.
      const pgData = await realpath(join(dataDir, 'postgres')).catch(() => undefined);
      if (pgData) await rm(pgData, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    });

    await waitFor(() => output.includes('CallSense is running') || child.exitCode !== null, {
      timeoutMs: 240_000,
      intervalMs: 250,
      what: 'npm start to be running',
    });
    t.match(output, /CallSense is running/, output);
    pids = descendants(child.pid!);
    t.ok(pids.length >= 4, `the run has its processes (node, PostgreSQL, Temporal): ${pids.join(', ')}`);
    t.ok(existsSync(join(dataDir, 'temporal.pid')), 'the dev server pid is recorded under the data folder');

    const started = Date.now();
    process.kill(group ? -child.pid! : child.pid!, signal);
    const remaining = await waitFor(() => (pids.every((pid) => !processAlive(pid)) ? [] : null), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `every process of the run to exit (${pids.join(', ')})`,
    }).catch(() => pids.filter(processAlive));
    t.same(remaining, [], `no process remains (stopped in ${Date.now() - started} ms)`);
    t.notOk(existsSync(join(dataDir, 'temporal.pid')), 'the pid file is removed on a clean stop');
  });

t.test('a leftover dev server of the same data folder is stopped; a foreign one is never adopted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callsense-leftover-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const cli = await resolveTemporalCli();
  const port = await freePort();
  const options = {
    cli,
    port,
    namespace: 'default',
    pidFile: join(dir, 'temporal.pid'),
    logFile: join(dir, 'temporal.log'),
  };
  const quiet = () => undefined;
  const leftover = await startTemporalDevServer(options, quiet); // never stopped: as after a crash
  const leftoverPid = leftover.process.pid!;
  const next = await startTemporalDevServer(options, quiet);
  t.teardown(() => next.stop());
  t.notOk(processAlive(leftoverPid), 'the earlier server of this data folder was stopped');
  t.ok(processAlive(next.process.pid!), 'a new one runs');

  const foreign = createServer((s) => s.destroy());
  await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => foreign.close(r)));
  const taken = (foreign.address() as { port: number }).port;
  await t.rejects(
    startTemporalDevServer({ ...options, port: taken, pidFile: join(dir, 'other.pid') }, quiet),
    new RegExp(`127\\.0\\.0\\.1:${taken} is already in use .*TEMPORAL_ADDRESS=127\\.0\\.0\\.1:${taken}`),
  );
});
