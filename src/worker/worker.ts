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

// The workflow cache, sized from the memory budget (WORKER_MEMORY_MB) rather than from whatever heap limit V8
// happens to have, so the worker's memory has a bound by design. Every lead keeps an open leadAnalysisWorkflow
// waiting for its next call; each one cached holds its own context in the workflow thread, so without a bound
// the cache (and the heap V8 reserves for it) grows with the number of active leads.
// Per cached workflow: the Temporal SDK's own default rule, 600 workflows per GiB of heap above a 200 MB
// reserve (about 1.7 MB each); a cached leadAnalysisWorkflow was not measured separately. The reserve here is
// the process's own: `npm start`'s idle process (API and worker) is 250–270 MB resident. An evicted workflow is
// replayed from its short, continued-as-new history when its next task comes.
const PROCESS_RESERVE_MB = 256;
const CACHED_WORKFLOWS_PER_GB = 600;
const MIN_CACHED_WORKFLOWS = 10;

function workflowCacheSize(memoryMb: number): number {
  return Math.max(MIN_CACHED_WORKFLOWS, Math.floor(((memoryMb - PROCESS_RESERVE_MB) * CACHED_WORKFLOWS_PER_GB) / 1024));
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
    maxCachedWorkflows: workflowCacheSize(deps.config.workerMemoryMb),
    shutdownGraceTime: '10 seconds',
    ...overrides,
  });
}
