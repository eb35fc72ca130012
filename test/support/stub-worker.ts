// A worker on the run's Temporal dev server that runs the real workflow bundle with stubbed activities, on a
// task queue of its own: workflow logic (debounce, idle end, continue-as-new, prompt fallback) in
// milliseconds instead of minutes, without PostgreSQL or OpenAI.
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import { NativeConnection, Worker, type InjectedSinks } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { connectTemporal } from '../../src/temporal/client.js';
import { installTemporalRuntime } from '../../src/observability/temporal-runtime.js';
import { createLogger } from '../../src/observability/logger.js';
import { workflowsPath } from '../../src/worker/worker.js';
import type { MetricsSinks } from '../../src/observability/workflow-metrics.js';

export interface StubWorker {
  client: Client;
  taskQueue: string;
  /** What the workflows reported through their metrics sink, in order. */
  metrics: { analyses: [string, string][]; folds: string[] };
}

export async function startStubWorker(t: Test, activities: object): Promise<StubWorker> {
  const address = process.env.CALLSENSE_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('CALLSENSE_TEST_TEMPORAL_ADDRESS is not set: run the tests with `npm test`');
  // Worker lifecycle chatter drowns test output; warnings and errors still show (stderr: stdout is tap's).
  await installTemporalRuntime({ logLevel: 'warn', logger: createLogger('warn', { fd: 2 }) });
  const taskQueue = `workflow-test-${randomUUID()}`;
  const temporal = await connectTemporal(address, 'default');
  const connection = await NativeConnection.connect({ address });
  const metrics: StubWorker['metrics'] = { analyses: [], folds: [] };
  const sinks: InjectedSinks<MetricsSinks> = {
    callsenseMetrics: {
      analysis: { fn: (_info, outcome, source) => void metrics.analyses.push([outcome, source]) },
      fold: { fn: (_info, outcome) => void metrics.folds.push(outcome) },
    },
  };
  const bundle = process.env.WORKFLOW_BUNDLE_PATH;
  const worker = await Worker.create({
    connection,
    taskQueue,
    ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: workflowsPath() }),
    activities,
    sinks,
  });
  const run = worker.run();
  t.teardown(async () => {
    worker.shutdown();
    await run;
    await connection.close();
    await temporal.close();
  });
  return { client: temporal.client, taskQueue, metrics };
}

/** A promise with its resolver, for a stub to tell the test that something happened. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
