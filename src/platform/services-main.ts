// `npm run services`: only the embedded PostgreSQL and Temporal dev server, for `npm run api` / `npm run worker`.
import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../config.js';
import { startServices } from './services.js';

const config = loadConfig();
const services = await startServices(config);
console.log(`PostgreSQL: ${services.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
console.log(`Temporal:   ${services.temporalAddress}${services.temporalUiUrl ? ` (Web UI ${services.temporalUiUrl})` : ''}`);
closeWithGrace({ delay: 20_000 }, async () => services.stop());
