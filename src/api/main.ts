// `npm run api`: the HTTP API alone (for deployments that scale API and worker apart).
import closeWithGrace from 'close-with-grace';
import { startRole } from '../platform/role.js';
import { startApi } from './server.js';

const { config, addresses, orm, close } = await startRole('callsense-api');
const api = await startApi(config, addresses, { orm });
console.log(`CallSense API on ${api.url}/api (docs: ${api.url}/api/docs)`);
closeWithGrace({ delay: 15_000 }, async ({ err }) => {
  if (err) console.error(err);
  await api.stop();
  await close();
});
