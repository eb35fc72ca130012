// The HTTP API from a config: ORM, Temporal client, OpenAI gateway, the Fastify app. `npm start`, the API
// process, the tests and the benchmarks all wire it here; only `startApi` listens.
import { warnRetiredPromptVariables, type Config } from '../config.js';
import { createOrm, type Orm } from '../db/orm.js';
import { createOpenAIGateway } from '../openai/gateway.js';
import { connectTemporalWhenAvailable, type TemporalHandle } from '../temporal/client.js';
import { buildApp, type App, type AppDeps, type BuildOptions } from './app.js';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes.js';

export interface RunningApi {
  app: App;
  url: string;
  stop(): Promise<void>;
}

export interface WiredApi {
  app: App;
  orm: Orm;
  temporal: TemporalHandle;
  /** Closes the app, the Temporal connection, and the ORM when this function created it. */
  close(): Promise<void>;
}

export interface ApiOptions extends BuildOptions {
  /** An ORM to share (e.g. with an in-process worker); otherwise one is made for `databaseUrl`. */
  orm?: Orm;
  /** Abuse-limit and overload overrides (tests and benchmarks move them out of the way). */
  limits?: Pick<AppDeps, 'loginRateLimit' | 'loginAddressRateLimit' | 'signupRateLimit' | 'pressure'>;
  /** Routes added beside the API before it is ready (benchmarks add their baselines). */
  extraRoutes?: (app: App) => void;
}

/** Builds the API, ready to serve (or to be injected into), without listening. */
export async function createApi(
  config: Config,
  addresses: { databaseUrl: string; temporalAddress: string },
  options: ApiOptions = {},
): Promise<WiredApi> {
  const { orm: shared, limits, extraRoutes, ...build } = options;
  const orm = shared ?? (await createOrm(addresses.databaseUrl));
  const temporal = await connectTemporalWhenAvailable(addresses.temporalAddress, config.temporal.namespace);
  // The API starts workflows with search attributes: make sure they exist even before any worker ran.
  if (temporal.connectedAtStart)
    await ensureSearchAttributes(temporal.connection, config.temporal.namespace).catch(() => undefined);
  const app = await buildApp({ config, orm, temporal, openai: createOpenAIGateway(config.openai), ...limits }, build);
  if (!temporal.connectedAtStart)
    app.log.warn(
      `Temporal at ${addresses.temporalAddress} is not answering: routes that need it answer 503 until it does`,
    );
  extraRoutes?.(app);
  await app.ready();
  return {
    app,
    orm,
    temporal,
    async close() {
      await app.close();
      await temporal.close();
      if (!shared) await orm.close();
    },
  };
}

export async function startApi(
  config: Config,
  addresses: { databaseUrl: string; temporalAddress: string },
  options: { orm?: Orm } = {},
): Promise<RunningApi> {
  const api = await createApi(config, addresses, options);
  const { app } = api;
  if (config.jwt.isDevelopmentSecret) {
    app.log.warn('JWT_SECRET is not set: using the development secret (never in production)');
  }
  warnRetiredPromptVariables(config, (message) => app.log.warn(message));
  if (config.encryption.isDevelopmentKey) {
    app.log.warn(
      'CALLSENSE_ENCRYPTION_KEY is not set: secrets are sealed with the development key (never in production)',
    );
  }
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, url: `http://${config.host}:${port}`, stop: () => api.close() };
}
