// Starts a worker process's parts from a config: ORM, OpenAI gateway, Temporal connections, the schedule.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { warnRetiredPromptVariables, type Config } from '../config.js';
import { createOrm, type Orm } from '../db/orm.js';
import { createOpenAIGateway } from '../openai/gateway.js';
import { createWorker } from './worker.js';
import { ensureScoringSchedule } from './schedule.js';
import { ensureReconciliationSchedule } from './reconciliation-schedule.js';
import { ensurePromptHealthSchedule } from './prompt-health-schedule.js';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes.js';
import { createWorkerMetrics } from '../observability/metrics.js';
import { installTemporalRuntime, temporalCoreMetricsUrl } from '../observability/temporal-runtime.js';
import { startWorkerMetricsServer } from '../observability/worker-metrics-server.js';
import type { Logger } from '../observability/logger.js';
import { tracing } from '../observability/tracing.js';
import { currentWorkflowBundle } from '../platform/workflow-bundle.js';
import { startEventRelay, type EventRelay } from './event-relay.js';

export interface RunningWorker {
  worker: Worker;
  run: Promise<void>;
  /** The worker's Prometheus endpoint (WORKER_METRICS_PORT). */
  metricsUrl: string;
  logger: Logger;
  /** Hands recorded events to their delivery workflows (src/worker/event-relay.ts). */
  eventRelay: EventRelay;
  stop(): Promise<void>;
}

export async function startWorker(
  config: Config,
  addresses: { databaseUrl: string; temporalAddress: string },
  options: { orm?: Orm; workflowBundlePath?: string | undefined; ensureSchedule?: boolean } = {},
): Promise<RunningWorker> {
  // Before the first native connection: the Runtime's logger and SDK metrics are fixed at install.
  const { logger } = await installTemporalRuntime({ logLevel: config.logLevel });
  const metrics = createWorkerMetrics();
  const orm = options.orm ?? (await createOrm(addresses.databaseUrl));
  const connection = await NativeConnection.connect({ address: addresses.temporalAddress });
  const clientConnection = await Connection.connect({ address: addresses.temporalAddress });
  const interceptors = tracing()?.clientInterceptors();
  const client = new Client({
    connection: clientConnection,
    namespace: config.temporal.namespace,
    ...(interceptors ? { interceptors } : {}),
  });
  // Any Temporal server (compose, cloud, dev) gets the tenant search attributes; a server that
  // forbids operator calls must have them registered by its operator.
  await ensureSearchAttributes(clientConnection, config.temporal.namespace).catch((error: Error) =>
    logger.warn(
      `Could not register search attributes (${error.message}); register OrganizationId, UserId, LeadId as Keyword`,
    ),
  );
  warnRetiredPromptVariables(config, (message) => logger.warn(message));
  // The schedule is one per namespace: test workers on their own task queues pass false.
  if (options.ensureSchedule ?? config.scoring.scheduleEnabled) {
    await ensureScoringSchedule(client, config);
    await ensureReconciliationSchedule(client, config);
    await ensurePromptHealthSchedule(client, config);
  }
  const worker = await createWorker({
    connection,
    config,
    orm,
    openai: createOpenAIGateway(config.openai, { observe: (request) => metrics.recordOpenAIRequest(request) }),
    temporal: client,
    metrics,
    // Explicit, else the bundle prepared by prestart / build when current; without one the worker bundles.
    workflowBundlePath: options.workflowBundlePath || process.env.WORKFLOW_BUNDLE_PATH || currentWorkflowBundle(),
  });
  const metricsServer = await startWorkerMetricsServer({
    host: config.host,
    port: config.workerMetricsPort,
    registry: metrics.registry,
    coreMetricsUrl: temporalCoreMetricsUrl,
    logger,
    token: config.metricsToken,
  });
  const run = worker.run();
  const eventRelay = startEventRelay({ orm, client, config, logger });
  return {
    worker,
    run,
    metricsUrl: metricsServer.url,
    logger,
    eventRelay,
    async stop() {
      await eventRelay.stop();
      await metricsServer.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
      await connection.close();
      await clientConnection.close();
      if (!options.orm) await orm.close();
    },
  };
}
