// The Temporal Runtime is process-wide and can be installed once, before the first worker or native
// connection. Installing it here gives it pino as its logger (workflow, activity and worker messages, and
// Core's own warnings, forwarded) and a Prometheus exporter for the SDK's metrics on an internal loopback
// port; the worker's /metrics (worker-metrics-server.ts) serves those together with the project's metrics.
import { Runtime } from '@temporalio/worker';
import { createLogger, PinoTemporalLogger, type Logger } from './logger.js';
import { freePort } from './free-port.js';

export interface RuntimeInstallation {
  coreMetricsUrl: string | undefined;
  logger: Logger;
}

let installed: RuntimeInstallation | undefined;
let preferredLogger: Logger | undefined;

/**
 * The logger the Runtime gets when a worker installs it. Installing it eagerly would keep a process
 * without workers alive (the Runtime polls for Core's logs until its last worker stops).
 */
export function setTemporalRuntimeLogger(logger: Logger): void {
  preferredLogger = logger;
}

/** Installs the Runtime (once; later calls return the first installation). */
export async function installTemporalRuntime(options: {
  logLevel: string;
  logger?: Logger;
}): Promise<RuntimeInstallation> {
  if (installed) return installed;
  const logger = options.logger ?? preferredLogger ?? createLogger(options.logLevel);
  if (Runtime._instance) {
    // Someone else installed it (or a worker started first): logs and SDK metrics stay theirs.
    installed = { coreMetricsUrl: undefined, logger };
    logger.warn("The Temporal Runtime was installed elsewhere: its metrics are not part of the worker's /metrics");
    return installed;
  }
  const port = await freePort();
  Runtime.install({
    logger: new PinoTemporalLogger(logger.child({ component: 'temporal' })),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      metrics: {
        prometheus: {
          bindAddress: `127.0.0.1:${port}`,
          countersTotalSuffix: true,
          unitSuffix: true,
          useSecondsForDurations: true,
        },
      },
    },
  });
  installed = { coreMetricsUrl: `http://127.0.0.1:${port}/metrics`, logger };
  return installed;
}

/** Where the SDK's own metrics are scraped from, once the Runtime is installed here. */
export function temporalCoreMetricsUrl(): string | undefined {
  return installed?.coreMetricsUrl;
}
