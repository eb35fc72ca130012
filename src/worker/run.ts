// Starts a worker process's parts from a config: ORM, OpenAI gateway, Temporal connections, the schedule.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Config } from '../config.js';
import { createOrm, type Orm } from '../db/orm.js';
import { createOpenAIGateway } from '../openai/gateway.js';
import { createWorker } from './worker.js';
import { ensureScoringSchedule } from './schedule.js';
import { ensureReconciliationSchedule } from './reconciliation-schedule.js';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes.js';

export interface RunningWorker {
  worker: Worker;
  run: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(config: Config, addresses: { databaseUrl: string; temporalAddress: string }, options: { orm?: Orm; workflowBundlePath?: string | undefined; ensureSchedule?: boolean } = {}): Promise<RunningWorker> {
  const orm = options.orm ?? (await createOrm(addresses.databaseUrl));
  const connection = await NativeConnection.connect({ address: addresses.temporalAddress });
  const clientConnection = await Connection.connect({ address: addresses.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  // Any Temporal server (compose, cloud, dev) gets the contract's search attributes; a server that
  // forbids operator calls must have them registered by its operator.
  await ensureSearchAttributes(clientConnection, config.temporal.namespace).catch((error: Error) =>
    console.warn(`Could not register search attributes (${error.message}); register OrganizationId, UserId, LeadId as Keyword`));
  // The schedule is one per namespace: test workers on their own task queues pass false.
  if (options.ensureSchedule ?? config.scoring.scheduleEnabled) {
    await ensureScoringSchedule(client, config);
    await ensureReconciliationSchedule(client, config);
  }
  const worker = await createWorker({
    connection,
    config,
    orm,
    openai: createOpenAIGateway(config.openai),
    temporal: client,
    workflowBundlePath: options.workflowBundlePath ?? process.env.WORKFLOW_BUNDLE_PATH,
  });
  const run = worker.run();
  return {
    worker,
    run,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
      await connection.close();
      await clientConnection.close();
      if (!options.orm) await orm.close();
    },
  };
}
