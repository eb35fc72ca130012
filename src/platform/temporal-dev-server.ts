// Runs `temporal server start-dev` as a child process: a real Temporal server with its Web UI,
// persisted to a SQLite file, with the custom search attributes (OrganizationId, UserId, LeadId) registered.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes.js';
import { killOnExit, portAnswers, processAlive, waitForExit } from './processes.js';

/** How long a stop waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/**
 * SQLite settings for a dev server with a file: write-ahead log with `synchronous=normal` instead of a full
 * sync of the database on every commit. A crash of the process loses nothing; a power cut (or OS crash) can
 * lose the last transactions committed before it, never corrupting the file.
 */
export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

export interface DevServerOptions {
  cli: string;
  ip?: string;
  port: number;
  uiPort?: number; // 0 or undefined: headless
  namespace: string;
  dbFile?: string; // undefined: in memory (tests)
  logFile?: string;
  /** Records the server's pid so a later start can stop a server left behind by a crash. */
  pidFile?: string;
  /** SQLite pragmas for the file (default SQLITE_PRAGMAS; [] for SQLite's defaults). */
  sqlitePragmas?: string[];
  startTimeoutMs?: number;
}

class TemporalDevServerError extends Error {}

/** Stops the server recorded in `pidFile` if it still runs (its own, left by a crash of an earlier start). */
async function stopLeftover(pidFile: string, log: (m: string) => void) {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (pid > 0 && processAlive(pid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => 'start-dev');
    if (cmdline.includes('start-dev')) {
      log(`Stopping the Temporal dev server left running by an earlier start (pid ${pid})…`);
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      if (!(await waitForExit(pid, STOP_GRACE_MS))) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await waitForExit(pid, STOP_GRACE_MS);
      }
    }
  }
  await rm(pidFile, { force: true });
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(
  options: DevServerOptions,
  log: (m: string) => void = console.log,
): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip}:${options.port}`;
  if (options.pidFile) await stopLeftover(options.pidFile, log);
  // A server we did not start is never adopted: its history (and its workers) would mix with ours.
  for (const [port, what] of [
    [options.port, 'EMBEDDED_TEMPORAL_PORT'],
    [options.uiPort, 'TEMPORAL_UI_PORT'],
  ] as const) {
    if (port && (await portAnswers(ip, port))) {
      throw new TemporalDevServerError(
        `Cannot start the Temporal dev server: ${ip}:${port} is already in use by a program ` +
          `this data folder did not start. Stop it, or set ${what} to a free port` +
          (what === 'EMBEDDED_TEMPORAL_PORT'
            ? `, or set TEMPORAL_ADDRESS=${ip}:${port} to use that server on purpose.`
            : '.'),
      );
    }
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
  ];
  if (options.uiPort) args.push('--ui-ip', ip, '--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    await mkdir(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
    for (const pragma of options.sqlitePragmas ?? SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  let stdio: ('ignore' | number)[] = ['ignore', 'ignore', 'ignore'];
  const logHandle = options.logFile
    ? await mkdir(dirname(options.logFile), { recursive: true }).then(() => open(options.logFile!, 'a'))
    : undefined;
  if (logHandle) stdio = ['ignore', logHandle.fd, logHandle.fd];
  // Its own process group, so a stop takes down whatever it started, and Ctrl-C reaches us first.
  const child = spawn(options.cli, args, { stdio, detached: true });
  await logHandle?.close(); // the child holds its own copy of the descriptor
  let exited = false;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      exited = true;
      resolve();
    });
  });
  // Whatever way this process ends (a second Ctrl-C, a crash, a timeout), the server goes with it.
  const forget = child.pid ? killOnExit(-child.pid, 'SIGTERM') : () => undefined;
  if (options.pidFile && child.pid) await writeFile(options.pidFile, `${child.pid}\n`);

  const stop = async () => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    }
    forget();
    if (options.pidFile) await rm(options.pidFile, { force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (exited) {
      await stop();
      const why = spawnError ? spawnError.message : `see ${options.logFile ?? 'its output'}`;
      throw new TemporalDevServerError(`Temporal dev server exited during start-up (${why})`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: options.namespace });
        await ensureSearchAttributes(connection, options.namespace);
      } finally {
        await connection.close();
      }
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Temporal dev server did not become ready at ${address}: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { address, uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined, process: child, stop };
}
