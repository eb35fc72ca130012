// `npm start`: the whole system on one machine. Starts what the configuration does not point at
// (embedded PostgreSQL, Temporal dev server with its Web UI), migrates, then runs worker and API.
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.js';
import { createOrm } from './db/orm.js';
import { migrateUp } from './db/migrate.js';
import { startServices } from './platform/services.js';
import { startWorker } from './worker/run.js';
import { startApi } from './api/server.js';

const config = loadConfig();
const services = await startServices(config);
const stops: (() => Promise<void>)[] = [services.stop];
closeWithGrace({ delay: 20_000 }, async ({ err, signal }) => {
  if (err) console.error(err);
  console.log(`Shutting down${signal ? ` (${signal})` : ''}…`);
  for (const stop of stops.reverse()) await stop().catch((e) => console.error(e));
});

const orm = await createOrm(services.databaseUrl);
stops.push(() => orm.close());
const applied = await migrateUp(orm);
if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);

const worker = await startWorker(config, services, { orm });
stops.push(worker.stop);
const api = await startApi(config, services, { orm });
stops.push(api.stop);

const temporalUi = services.temporalUiUrl ?? '(external Temporal: see its own Web UI)';
console.log(`
CallSense is running
  API          ${api.url}/api
  API docs     ${api.url}/api/docs
  Temporal UI  ${temporalUi}
  Temporal     ${services.temporalAddress} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})
Press Ctrl-C to stop.`);
