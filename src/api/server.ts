// Starts the HTTP API from a config: ORM, Temporal client, OpenAI gateway, then listen.
import type { Config } from '../config.js';
import { createOrm, type Orm } from '../db/orm.js';
import { createOpenAIGateway } from '../openai/gateway.js';
import { connectTemporal } from '../temporal/client.js';
import { buildApp, type App } from './app.js';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes.js';

export interface RunningApi {
  app: App;
  url: string;
  stop(): Promise<void>;
}

export async function startApi(config: Config, addresses: { databaseUrl: string; temporalAddress: string }, options: { orm?: Orm } = {}): Promise<RunningApi> {
  const orm = options.orm ?? (await createOrm(addresses.databaseUrl));
  const temporal = await connectTemporal(addresses.temporalAddress, config.temporal.namespace);
  // The API starts workflows with search attributes: make sure they exist even before any worker ran.
  await ensureSearchAttributes(temporal.connection, config.temporal.namespace).catch(() => undefined);
  const app = await buildApp({ config, orm, temporal, openai: createOpenAIGateway(config.openai) });
  if (config.jwt.isDevelopmentSecret) app.log.warn('JWT_SECRET is not set: using the development secret (never in production)');
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    app,
    url: `http://${config.host}:${port}`,
    async stop() {
      await app.close();
      await temporal.close();
      if (!options.orm) await orm.close();
    },
  };
}
