// `npm run seed -- --demo` (or `npm run seed`): the demo organization (src/demo) in DATABASE_URL or the embedded
// default, unless one is there already. Refused when NODE_ENV=production.
import { loadConfig } from '../config.js';
import { defaultServiceAddresses } from '../platform/services.js';
import { describeDemoFill, fillDemo } from '../demo/fill.js';
import { createOrm } from './orm.js';
import { migrateUp } from './migrate.js';

const unknown = process.argv.slice(2).filter((arg) => arg !== '--demo');
if (unknown.length) {
  console.error(`Unknown argument ${unknown[0]}: \`npm run seed -- --demo\` fills the demo organization.`);
  process.exit(2);
}
const config = loadConfig();
if (config.nodeEnv === 'production') {
  console.error('The demo data (a known password) is never filled when NODE_ENV=production.');
  process.exit(1);
}
const orm = await createOrm(defaultServiceAddresses(config).databaseUrl);
try {
  await migrateUp(orm);
  const fill = await fillDemo(orm, config);
  const [login, filled] = describeDemoFill(fill);
  if (fill.status === 'exists') console.log(`The demo organization is already there. Demo login: ${login}`);
  else console.log(`Demo data ${filled}\nDemo login: ${login}`);
} finally {
  await orm.close();
}
