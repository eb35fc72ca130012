// `npm run seed`: demo data (see seeders/demo-seeder.ts) in DATABASE_URL or the embedded default.
import { isDevelopment, loadConfig } from '../config.js';
import { defaultServiceAddresses } from '../platform/services.js';
import { createOrm } from './orm.js';
import { migrateUp } from './migrate.js';
import { sealStoredWebhookSecrets } from '../domain/accounts/webhook-secret.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO_REP_EMAIL, DemoSeeder } from './seeders/demo-seeder.js';

const config = loadConfig();
if (!isDevelopment(config)) {
  console.error(`The demo data (a known password) is only seeded when NODE_ENV=development (it is ${config.nodeEnv}).`);
  process.exit(1);
}
const orm = await createOrm(defaultServiceAddresses(config).databaseUrl);
try {
  await migrateUp(orm);
  await orm.seeder.seed(DemoSeeder);
  await sealStoredWebhookSecrets(orm.em, config.encryption);
  console.log(`Demo data ready. Log in as ${DEMO_ADMIN_EMAIL} or ${DEMO_REP_EMAIL}, password "${DEMO_PASSWORD}".`);
} finally {
  await orm.close();
}
