// `npm run api`: the HTTP API alone (for deployments that scale API and worker apart).
import closeWithGrace from 'close-with-grace';
import { startTracing } from '../observability/tracing.js';
import { loadConfig } from '../config.js';
import { createOrm } from '../db/orm.js';
import { migrateUp } from '../db/migrate.js';
import { defaultServiceAddresses } from '../platform/services.js';
import { startApi } from './server.js';

const config = loadConfig();
// Before any client, app or worker exists (off, and not even loaded, without OTEL_EXPORTER_OTLP_ENDPOINT).
const tracer = await startTracing({ endpoint: config.otlpEndpoint, serviceName: 'callsense-api' });
const addresses = defaultServiceAddresses(config);
const orm = await createOrm(addresses.databaseUrl);
await migrateUp(orm);
const api = await startApi(config, addresses, { orm });
console.log(`CallSense API on ${api.url}/api (docs: ${api.url}/api/docs)`);
closeWithGrace({ delay: 15_000 }, async ({ err }) => {
  if (err) console.error(err);
  await api.stop();
  await orm.close();
  await tracer?.shutdown();
});
