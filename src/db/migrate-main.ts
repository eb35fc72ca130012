// `npm run migrate`: apply committed migrations to DATABASE_URL (or the embedded default).
import { loadConfig } from '../config.js';
import { defaultServiceAddresses } from '../platform/services.js';
import { createOrm } from './orm.js';
import { migrateUp } from './migrate.js';

const config = loadConfig();
const orm = await createOrm(defaultServiceAddresses(config).databaseUrl);
try {
  const applied = await migrateUp(orm);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await orm.close();
}
