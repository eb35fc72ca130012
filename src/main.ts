// `npm start`: the whole system on one machine. Starts what the configuration does not point at
// (embedded PostgreSQL, Temporal dev server with its Web UI), migrates, then runs worker and API.
import { startTracing } from './observability/tracing.js';
import { loadConfig } from './config.js';
import { createOrm } from './db/orm.js';
import { migrateUp } from './db/migrate.js';
import { sealStoredWebhookSecrets } from './domain/accounts/webhook-secret.js';
import { startServices } from './platform/services.js';
import { handleShutdown } from './platform/shutdown.js';
import { startWorker } from './worker/run.js';
import { startApi } from './api/server.js';
import { describeDemoFill, fillDemoOnFirstStart } from './demo/fill.js';

const config = loadConfig();
// Before any client, app or worker exists (off, and not even loaded, without OTEL_EXPORTER_OTLP_ENDPOINT).
const tracer = await startTracing({ endpoint: config.otlpEndpoint, serviceName: 'callsense' });
// Installed before anything starts: a Ctrl-C during start-up still stops what was started.
const shutdown = handleShutdown();
const stops = { push: shutdown.add };
if (tracer) stops.push(() => tracer.shutdown()); // flushes the last spans after everything else stopped
const services = await startServices(config).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
stops.push(services.stop);
// The embedded Temporal's Web UI is where `workflowUrl` links point unless TEMPORAL_UI_URL says otherwise.
config.temporal.uiUrl ??= services.temporalUiUrl;

const orm = await createOrm(services.databaseUrl);
stops.push(() => orm.close());
const applied = await migrateUp(orm);
if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);

// A first start against an empty database shows the product with a demo organization (src/demo/fill.ts).
const demo = describeDemoFill(await fillDemoOnFirstStart(orm, config, { demoData: config.demoData }));
// Webhook secrets stored in clear (by earlier versions, or just now by the demo seeder) are sealed before serving.
await sealStoredWebhookSecrets(orm.em, config.encryption);

const worker = await startWorker(config, services, { orm });
stops.push(worker.stop);
const api = await startApi(config, services, { orm });
stops.push(api.stop);

const temporalUi = services.temporalUiUrl ?? '(external Temporal: see its own Web UI)';
const { namespace, taskQueue } = config.temporal;
const [demoLogin, demoFilled] = demo;
const demoLine =
  (demoLogin ? `  Demo login   ${demoLogin} (sign in to the console, or POST /api/auth/login)\n` : '') +
  (demoFilled ? `  Demo data    ${demoFilled}\n` : '');
console.log(`
CallSense is running
  Console      ${api.url}/
  API          ${api.url}/api
  API docs     ${api.url}/api/docs
  Temporal UI  ${temporalUi}
  Temporal     ${services.temporalAddress} (namespace ${namespace}, task queue ${taskQueue})
  Metrics      ${api.url}/metrics (API), ${worker.metricsUrl} (worker)
${demoLine}Press Ctrl-C to stop.`);
