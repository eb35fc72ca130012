// `npm run migrate`: apply committed migrations to DATABASE_URL (or the embedded default).
import { loadConfig } from '../config.js';
import { defaultServiceAddresses } from '../platform/services.js';
import { createOrm } from './orm.js';
import { migrateUp } from './migrate.js';
import { sealStoredWebhookSecrets } from '../domain/accounts/webhook-secret.js';

const config = loadConfig();
const orm = await createOrm(defaultServiceAddresses(config).databaseUrl);
try {
  const applied = await migrateUp(orm);
  // Webhook secrets stored in clear by earlier versions: sealed now (a SQL migration has no key to seal with).
  await sealStoredWebhookSecrets(orm.em, config.encryption);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await orm.close();
}
