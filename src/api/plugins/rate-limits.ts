// Abuse limits (per minute, in this process's memory): each is a hook a route attaches where its key is known.
//  - openaiRateLimit (preHandler, after authenticate): per user, for routes that call OpenAI on demand.
//  - webhookRateLimit (preHandler, after the signature check in preValidation): per organization, so only
//    a tenant's own signed deliveries spend its budget.
//  - loginRateLimits (preValidation, once the body is parsed): per client address and, separately, per account,
//    so neither one password over many emails nor one account from many addresses goes unlimited.
//  - signupRateLimit (onRequest): per client address.
// Over a limit: 429 with Retry-After, in the usual error shape.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    openaiRateLimit: Hook;
    webhookRateLimit: Hook;
    loginRateLimits: Hook;
    signupRateLimit: Hook;
  }
}

interface RateLimitOptions {
  openaiPerMinute: number;
  webhookPerMinute: number;
  loginPerAccountPerMinute: number;
  loginPerAddressPerMinute: number;
  signupPerAddressPerMinute: number;
}

const emailOf = (request: FastifyRequest) =>
  String((request.body as { email?: unknown } | undefined)?.email ?? '')
    .trim()
    .toLowerCase();

export default fp(
  async function rateLimits(app: FastifyInstance, options: RateLimitOptions) {
    /** One budget per key; several routes sharing a hook share its budget. */
    function limiter(max: number, key: (request: FastifyRequest) => string): Hook {
      const check = app.createRateLimit({ max, timeWindow: 60_000, keyGenerator: key });
      return async (request, reply) => {
        const result = await check(request);
        if (result.isAllowed || !result.isExceeded) return;
        reply.header('retry-after', String(result.ttlInSeconds));
        throw new HttpError(429, `Too many requests: try again in ${result.ttlInSeconds} s`);
      };
    }

    app.decorate(
      'openaiRateLimit',
      limiter(options.openaiPerMinute, (request) => request.auth.userId),
    );
    const organizationOf = (request: FastifyRequest) => (request.params as { organizationId: string }).organizationId;
    app.decorate('webhookRateLimit', limiter(options.webhookPerMinute, organizationOf));
    const byAddress = limiter(options.loginPerAddressPerMinute, (request) => request.ip);
    const byAccount = limiter(options.loginPerAccountPerMinute, emailOf);
    app.decorate('loginRateLimits', async (request: FastifyRequest, reply: FastifyReply) => {
      await byAddress(request, reply);
      await byAccount(request, reply);
    });
    app.decorate(
      'signupRateLimit',
      limiter(options.signupPerAddressPerMinute, (request) => request.ip),
    );
  },
  { name: 'rate-limits', dependencies: ['@fastify/rate-limit'] },
);
