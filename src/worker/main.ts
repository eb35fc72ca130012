// `npm run worker`: the Temporal worker alone (for deployments that scale API and worker apart).
import closeWithGrace from 'close-with-grace';
import { startTracing } from '../observability/tracing.js';
import { loadConfig } from '../config.js';
import { createOrm } from '../db/orm.js';
import { migrateUp } from '../db/migrate.js';
import { defaultServiceAddresses } from '../platform/services.js';
import { startWorker } from './run.js';

const config = loadConfig();
// Before any client, app or worker exists (off, and not even loaded, without OTEL_EXPORTER_OTLP_ENDPOINT).
const tracer = await startTracing({ endpoint: config.otlpEndpoint, serviceName: 'callsense-worker' });
const addresses = defaultServiceAddresses(config);
const orm = await createOrm(addresses.databaseUrl);
await migrateUp(orm);
const worker = await startWorker(config, addresses, { orm });
const { logger } = worker;
logger.info(
  { taskQueue: config.temporal.taskQueue, temporalAddress: addresses.temporalAddress, metrics: worker.metricsUrl },
  'CallSense worker polling',
);
closeWithGrace({ delay: 15_000 }, async ({ err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  await worker.stop();
  await orm.close();
  await tracer?.shutdown();
});
// A worker that dies (e.g. Temporal gone for good) should end the process, so a supervisor restarts it.
worker.run.catch((error) => {
  logger.error({ err: error }, 'worker stopped');
  process.exitCode = 1;
});
