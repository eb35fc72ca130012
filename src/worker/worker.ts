// Builds the Temporal worker: the workflow bundle plus activities made from their dependencies.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivitySetup } from '../activities/index.js';
import type { WorkerMetrics } from '../observability/metrics.js';
import { metricsSinks } from '../observability/worker-sinks.js';
import { tracing } from '../observability/tracing.js';

/** The workflows' entry point: compiled `.js` next to this file, or the `.ts` source under tsx. */
export function workflowsPath(): string {
  const js = fileURLToPath(new URL('../workflows/index.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
}

export interface WorkerSetup extends ActivitySetup {
  connection: NativeConnection;
  /** A prebuilt bundle (WORKFLOW_BUNDLE_PATH), to skip bundling at start-up (tests build it once per run). */
  workflowBundlePath?: string | undefined;
  /** Where the workflows' metrics sink counts (analyses, fallbacks, folds). */
  metrics?: WorkerMetrics;
  overrides?: Partial<WorkerOptions>;
}

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  const { connection, workflowBundlePath, overrides, metrics, ...deps } = setup;
  // With tracing on, the workflows are bundled here with the tracing interceptor module (a prebuilt
  // bundle does not have it).
  const traced = tracing()?.workerOptions();
  return Worker.create({
    connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
    ...(workflowBundlePath && !traced
      ? { workflowBundle: { codePath: workflowBundlePath } }
      : { workflowsPath: workflowsPath() }),
    activities: createActivities({ ...deps, ...(metrics ? { metrics } : {}) }),
    ...(traced ? { interceptors: traced.interceptors } : {}),
    sinks: { ...(metrics ? metricsSinks(metrics) : {}), ...traced?.sinks },
    // Every run of a tenant carries its ids; give the worker room for bursts without starving the API that shares the
    // process.
    maxConcurrentActivityTaskExecutions: 50,
    shutdownGraceTime: '10 seconds',
    ...overrides,
  });
}
