// Runs `temporal server start-dev` as a child process: a real Temporal server with its Web UI,
// persisted to a SQLite file, with the contract's custom search attributes registered.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes.js';

export interface DevServerOptions {
  cli: string;
  ip?: string;
  port: number;
  uiPort?: number; // 0 or undefined: headless
  namespace: string;
  dbFile?: string; // undefined: in memory (tests)
  logFile?: string;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip}:${options.port}`;
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--namespace', options.namespace, '--log-level', 'warn'];
  if (options.uiPort) args.push('--ui-ip', ip, '--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    await mkdir(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  let stdio: ('ignore' | number)[] = ['ignore', 'ignore', 'ignore'];
  const log = options.logFile ? await mkdir(dirname(options.logFile), { recursive: true }).then(() => open(options.logFile!, 'a')) : undefined;
  if (log) stdio = ['ignore', log.fd, log.fd];
  // Its own process group, so a stop takes down whatever it started, and Ctrl-C reaches us first.
  const child = spawn(options.cli, args, { stdio, detached: true });
  await log?.close(); // the child holds its own copy of the descriptor
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (exited) throw new Error(`Temporal dev server exited during start-up (see ${options.logFile ?? 'its output'})`);
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
