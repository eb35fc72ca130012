// Headers and overload protection for every answer: security headers (helmet, with a content-security-policy
// that Swagger UI and the same-origin web console work under), CORS only for the configured origins, and 503
// with Retry-After when the process is overloaded instead of answering late or timing out.
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import underPressure, { type FastifyUnderPressureOptions as UnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

/** Seconds an overloaded process asks clients to wait. */
const OVERLOAD_RETRY_AFTER_SECONDS = 5;

export interface SecurityOptions {
  corsOrigins: string[];
  /** Overrides of the overload thresholds (tests). */
  pressure?: Partial<UnderPressureOptions>;
}

export default fp(
  async function security(app: FastifyInstance, opts: SecurityOptions) {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          // Swagger UI and React set style attributes; scripts stay same-origin files only.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'font-src': ["'self'", 'data:'],
          'object-src': ["'none'"],
          'frame-ancestors': ["'none'"],
          // Served over plain HTTP on a LAN or localhost too: never rewrite its requests to https.
          'upgrade-insecure-requests': null,
        },
      },
    });
    await app.register(cors, {
      // No origin listed: no CORS headers at all, so browsers keep other sites out.
      origin: opts.corsOrigins.length ? opts.corsOrigins : false,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
    await app.register(underPressure, {
      // Only a loop that is truly stuck: a busy one (utilisation near 1 while bundling or generating the
      // OpenAPI document) still answers, and a short CPU burst must not turn requests away.
      maxEventLoopDelay: 2_000,
      retryAfter: OVERLOAD_RETRY_AFTER_SECONDS,
      // Returning the body makes the plugin send it and stop the request (its typings say void).
      pressureHandler: ((request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => {
        // The plugin reports a sample interval without any loop sample as an infinite delay: no evidence, pass.
        if (type === 'eventLoopDelay' && !Number.isFinite(value)) return undefined;
        request.log.warn({ pressure: type, value }, 'overloaded: answering 503');
        void reply.status(503).header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS));
        return errorBody(503, 'The server is overloaded right now; try again shortly');
      }) as unknown as UnderPressureOptions['pressureHandler'],
      ...opts.pressure,
    });
  },
  { name: 'security' },
);
