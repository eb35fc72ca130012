// `npm run services`: only the embedded PostgreSQL and Temporal dev server, for `npm run api` / `npm run worker`.
import { loadConfig } from '../config.js';
import { startServices } from './services.js';
import { handleShutdown } from './shutdown.js';

const config = loadConfig();
const shutdown = handleShutdown();
const services = await startServices(config).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
shutdown.add(() => services.stop());
console.log(`PostgreSQL: ${services.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
console.log(
  `Temporal:   ${services.temporalAddress}${services.temporalUiUrl ? ` (Web UI ${services.temporalUiUrl})` : ''}`,
);
