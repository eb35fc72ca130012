// buildApp(deps): the whole HTTP API as one Fastify instance, every domain an encapsulated plugin under /api.
import Fastify, { type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { AppDeps } from './deps.js';
import { createValidatorCompiler } from './validation.js';
import errors, { badRequest } from './plugins/errors.js';
import errorResponses from './plugins/error-responses.js';
import security from './plugins/security.js';
import { NUL_MESSAGE, containsNul } from './json-text.js';
import auth from './plugins/auth.js';
import rateLimits from './plugins/rate-limits.js';
import docs from './plugins/swagger.js';
import webConsole from './plugins/console.js';
import apiRoutes from './routes.js';
import apiMetrics from '../observability/api-metrics.js';

export type { AppDeps } from './deps.js';

/** How long a client may take to send a whole request (headers and body): slow bodies cannot hold sockets. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  /** Where the built web console is (default dist/console); tests point it elsewhere. */
  consoleRoot?: string;
}

/**
 * Fastify's own `trustProxy: <number>` trusts no hop at all in this version, so a hop count is a function: the
 * socket's peer is hop 0, the X-Forwarded-For entries count from the right. With a count, the API must only be
 * reachable through those proxies (a direct client could otherwise write the entry the proxy would have); a list of
 * addresses does not need that.
 */
function trustProxyOption(trust: AppDeps['config']['trustProxy']) {
  if (typeof trust !== 'number') return trust;
  return (_address: string, hop: number) => hop < trust;
}

export async function buildApp(deps: AppDeps, options: BuildOptions = {}) {
  const app = Fastify({
    logger: options.logger ?? {
      level: deps.config.logLevel,
      redact: [
        'req.headers.authorization',
        'req.headers["x-callsense-signature"]',
        'req.headers["x-retell-signature"]',
        'req.headers["x-vapi-secret"]',
      ],
    },
    // Our own id for every request: a client's x-request-id is only logged beside it (see the onRequest hook).
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Behind a load balancer the client address (rate limits, logs) comes from X-Forwarded-For.
    trustProxy: trustProxyOption(deps.config.trustProxy),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(createValidatorCompiler());
  // Clients often send `Content-Type: application/json` on body-less POSTs (optimize, rotate): that is no error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    parseJson(request, body as string, (error, value) => {
      if (error) return done(error);
      if (containsNul(value)) return done(badRequest(NUL_MESSAGE));
      done(null, value);
    });
  });

  // `?leadId=&status=` is how many clients say "no filter": an empty query value means unset, as in config.
  app.addHook('preValidation', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && typeof query === 'object')
      for (const key of Object.keys(query)) if (query[key] === '') delete query[key];
  });

  app.addHook('onRequest', async (request) => {
    const clientId = request.headers['x-request-id'];
    if (typeof clientId === 'string' && clientId)
      request.log = request.log.child({ clientRequestId: clientId.slice(0, 100) });
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errors);
  await app.register(errorResponses);
  await app.register(apiMetrics, { orm: deps.orm, token: deps.config.metricsToken });
  await app.register(security, {
    corsOrigins: deps.config.corsOrigins,
    ...(deps.pressure ? { pressure: deps.pressure } : {}),
  });
  await app.register(docs);
  await app.register(rateLimit, { global: false });
  await app.register(rateLimits, {
    openaiPerMinute: deps.config.rateLimits.openaiPerMinute,
    webhookPerMinute: deps.config.rateLimits.webhookPerMinute,
    signupPerAddressPerMinute: deps.signupRateLimit ?? 5,
  });
  await app.register(auth, { config: deps.config, orm: deps.orm });

  await app.register(
    async (api) => {
      await api.register(apiRoutes, deps);
    },
    { prefix: '/api' },
  );

  await app.register(webConsole, options.consoleRoot ? { root: options.consoleRoot } : {});

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
