// Brings up what the configuration does not point at: an embedded PostgreSQL under the data dir and a
// Temporal CLI dev server (with its Web UI). Used by `npm start` and `npm run services`.
import { join, resolve } from 'node:path';
import { embeddedTemporalAddress, type Config } from '../config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { resolveTemporalCli } from './temporal-cli.js';
import { startTemporalDevServer } from './temporal-dev-server.js';

export interface RunningServices {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  stop(): Promise<void>;
}

const EMBEDDED_DATABASE = 'callsense';

export async function startServices(config: Config, log: (m: string) => void = console.log): Promise<RunningServices> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const where = `127.0.0.1:${config.embeddedPostgresPort} (data in ${join(config.dataDir, 'postgres')})`;
      log(`Starting embedded PostgreSQL on ${where}…`);
      const pg = await startEmbeddedPostgres({
        dir: join(config.dataDir, 'postgres'),
        port: config.embeddedPostgresPort,
        log,
      });
      stops.push(() => pg.stop());
      await pg.createDatabase(EMBEDDED_DATABASE);
      databaseUrl = pg.urlFor(EMBEDDED_DATABASE);
    }
    let temporalAddress = config.temporal.address;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress) {
      const cli = await resolveTemporalCli();
      log(`Starting the Temporal dev server on ${embeddedTemporalAddress(config)} (${cli})…`);
      const server = await startTemporalDevServer(
        {
          cli,
          port: config.temporal.embeddedPort,
          uiPort: config.temporal.uiPort,
          namespace: config.temporal.namespace,
          dbFile: resolve(config.dataDir, 'temporal.sqlite'),
          logFile: resolve(config.dataDir, 'temporal.log'),
          pidFile: resolve(config.dataDir, 'temporal.pid'),
        },
        log,
      );
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
    }
    return { databaseUrl, temporalAddress, temporalUiUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What `npm run api` / `npm run worker` connect to when nothing is configured: the services `npm start` runs. */
export function defaultServiceAddresses(config: Config) {
  return {
    databaseUrl:
      config.databaseUrl ??
      `postgres://postgres:postgres@127.0.0.1:${config.embeddedPostgresPort}/${EMBEDDED_DATABASE}`,
    temporalAddress: config.temporal.address ?? embeddedTemporalAddress(config),
  };
}
