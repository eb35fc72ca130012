// Small process helpers for the embedded services: liveness, waiting for an exit, a port check, and a
// last-chance kill when this process exits (a crash or a hurried exit must not leave servers behind).
import { connect } from 'node:net';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until `pid` is gone; false when it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** True when something accepts TCP connections at host:port. */
export function portAnswers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const onExit = new Map<number, () => void>();
let installed = false;
let nextKey = 0;

/**
 * Sends `signal` to `pid` (a negative pid: its process group) if this process exits while it still runs.
 * 'exit' listeners run on every exit but SIGKILL, including process.exit() after a second Ctrl-C.
 * Returns a function that cancels it (call it once the child was stopped properly).
 */
export function killOnExit(pid: number, signal: NodeJS.Signals): () => void {
  const key = ++nextKey;
  onExit.set(key, () => {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  });
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const kill of onExit.values()) kill();
    });
  }
  return () => {
    onExit.delete(key);
  };
}
