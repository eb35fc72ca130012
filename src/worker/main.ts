// `npm run worker`: the Temporal worker alone (for deployments that scale API and worker apart).
import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../config.js';
import { createOrm } from '../db/orm.js';
import { migrateUp } from '../db/migrate.js';
import { defaultServiceAddresses } from '../platform/services.js';
import { startWorker } from './run.js';

const config = loadConfig();
const addresses = defaultServiceAddresses(config);
const orm = await createOrm(addresses.databaseUrl);
await migrateUp(orm);
const worker = await startWorker(config, addresses, { orm });
console.log(`CallSense worker polling task queue "${config.temporal.taskQueue}" on ${addresses.temporalAddress}`);
closeWithGrace({ delay: 15_000 }, async ({ err }) => {
  if (err) console.error(err);
  await worker.stop();
  await orm.close();
});
// A worker that dies (e.g. Temporal gone for good) should end the process, so a supervisor restarts it.
worker.run.catch((error) => {
  console.error('worker stopped:', error);
  process.exitCode = 1;
});
