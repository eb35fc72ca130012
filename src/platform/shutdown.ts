// Stopping `npm start` / `npm run services` on Ctrl-C or SIGTERM: one orderly stop, bounded in time.
// A terminal's Ctrl-C reaches the whole process group and npm forwards it as well, so one key press can
// arrive as two signals: the second is ignored; a third (another press) exits at once. Every way out
// (including the time bound and a crash) ends in process.exit, whose 'exit' listeners kill the embedded
// servers still running (see processes.ts killOnExit).

/** Upper bound of an orderly stop: the worker gives in-flight activities 10 s, the servers 5 s each. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

export interface Shutdown {
  /** Adds a step; steps run in reverse order of registration (last started, first stopped). */
  add(step: () => Promise<void>): void;
}

export function handleShutdown(log: (m: string) => void = console.log, timeoutMs = SHUTDOWN_TIMEOUT_MS): Shutdown {
  const steps: (() => Promise<void>)[] = [];
  let signals = 0;
  let stopping = false;

  const begin = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log(`Shutting down (${reason})…`);
    setTimeout(() => {
      log(`Not stopped after ${timeoutMs / 1000} s: exiting; the embedded servers are killed.`);
      process.exit(1);
    }, timeoutMs).unref();
    void (async () => {
      for (const step of steps.reverse()) {
        await step().catch((error: unknown) => console.error(error));
      }
      process.exit(code);
    })();
  };

  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals >= 3) {
      log(`${signal} again: exiting now.`);
      process.exit(1);
    }
    begin(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const onError = (error: unknown) => {
    console.error(error);
    if (stopping) process.exit(1);
    begin('an unexpected error', 1);
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    add: (step) => {
      steps.push(step);
    },
  };
}
