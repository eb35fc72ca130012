// What `npm run api` and `npm run worker` start from when API and worker run as separate processes: the
// configuration, tracing, and the migrated database at the configured addresses.
import { startTracing } from '../observability/tracing.js';
import { loadConfig } from '../config.js';
import { createOrm } from '../db/orm.js';
import { migrateUp } from '../db/migrate.js';
import { sealStoredWebhookSecrets } from '../domain/accounts/webhook-secret.js';
import { defaultServiceAddresses } from './services.js';

export async function startRole(serviceName: string) {
  const config = loadConfig();
  // Before any client, app or worker exists (off, and not even loaded, without OTEL_EXPORTER_OTLP_ENDPOINT).
  const tracer = await startTracing({ endpoint: config.otlpEndpoint, serviceName });
  const addresses = defaultServiceAddresses(config);
  const orm = await createOrm(addresses.databaseUrl);
  await migrateUp(orm);
  // Webhook secrets stored in clear by earlier versions are sealed before anything serves.
  await sealStoredWebhookSecrets(orm.em, config.encryption);
  return {
    config,
    addresses,
    orm,
    /** Once the role itself stopped: closes the database, then flushes the last spans. */
    async close() {
      await orm.close();
      await tracer?.shutdown();
    },
  };
}
