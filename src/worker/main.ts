// `npm run worker`: the Temporal worker alone (for deployments that scale API and worker apart).
import closeWithGrace from 'close-with-grace';
import { startRole } from '../platform/role.js';
import { startWorker } from './run.js';

const { config, addresses, orm, close } = await startRole('callsense-worker');
const worker = await startWorker(config, addresses, { orm });
const { logger } = worker;
logger.info(
  { taskQueue: config.temporal.taskQueue, temporalAddress: addresses.temporalAddress, metrics: worker.metricsUrl },
  'CallSense worker polling',
);
closeWithGrace({ delay: 15_000 }, async ({ err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  await worker.stop();
  await close();
});
// A worker that dies (e.g. Temporal gone for good) should end the process, so a supervisor restarts it.
worker.run.catch((error) => {
  logger.error({ err: error }, 'worker stopped');
  process.exitCode = 1;
});
