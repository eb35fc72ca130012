// Abuse limits (per minute, in this process's memory): each is a hook a route attaches where its key is known.
//  - openaiRateLimit (preHandler, after authenticate): per user, for routes that call OpenAI on demand.
//  - webhookRateLimit (preHandler, after the signature check in preValidation): per organization, so only
//    a tenant's own signed deliveries spend its budget.
//  (Failed logins are counted in PostgreSQL instead, shared by every process: see domain/accounts/login-failures.ts.)
//  - signupRateLimit (onRequest): per client address.
//  - webhookAuthFailures: failed webhook authentications (unknown organization, bad signature or secret) per client
//    address and organization; past 30 a minute that address gets 429 for that organization, before its body is
//    read. Like the webhook limit above it lives in this process's memory: a flood spread over N API processes
//    gets N times the budget, which still bounds it, and the signature check stays the real barrier.
// Over a limit: 429 with Retry-After, in the usual error shape.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Failed webhook authentications one client address may make for one organization per minute. */
const WEBHOOK_AUTH_FAILURES_PER_MINUTE = 30;
/** Bounded memory: when full, the oldest window is dropped (a flood of addresses forgets its oldest first). */
const MAX_FAILURE_KEYS = 50_000;

interface FailureCounter {
  /** Throws 429 (with Retry-After) while this address is past the limit for this organization. */
  refuseWhenExceeded(request: FastifyRequest, reply: FastifyReply, organizationId: string): void;
  record(request: FastifyRequest, organizationId: string): void;
}

function failureCounter(max: number, windowMs: number): FailureCounter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const keyOf = (request: FastifyRequest, organizationId: string) => `${request.ip}\n${organizationId}`;
  const current = (key: string, now: number) => {
    const window = windows.get(key);
    if (window && window.resetAt <= now) windows.delete(key);
    return window && window.resetAt > now ? window : undefined;
  };
  return {
    refuseWhenExceeded(request, reply, organizationId) {
      const now = Date.now();
      const window = current(keyOf(request, organizationId), now);
      if (!window || window.count < max) return;
      const seconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
      reply.header('retry-after', String(seconds));
      throw new HttpError(429, `Too many failed authentications: try again in ${seconds} s`);
    },
    record(request, organizationId) {
      const now = Date.now();
      const key = keyOf(request, organizationId);
      const window = current(key, now);
      if (window) {
        window.count += 1;
        return;
      }
      if (windows.size >= MAX_FAILURE_KEYS) windows.delete(windows.keys().next().value!);
      windows.set(key, { count: 1, resetAt: now + windowMs });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    openaiRateLimit: Hook;
    webhookRateLimit: Hook;
    webhookAuthFailures: FailureCounter;
    signupRateLimit: Hook;
  }
}

interface RateLimitOptions {
  openaiPerMinute: number;
  webhookPerMinute: number;
  signupPerAddressPerMinute: number;
}

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
    app.decorate('webhookAuthFailures', failureCounter(WEBHOOK_AUTH_FAILURES_PER_MINUTE, 60_000));
    app.decorate(
      'signupRateLimit',
      limiter(options.signupPerAddressPerMinute, (request) => request.ip),
    );
  },
  { name: 'rate-limits', dependencies: ['@fastify/rate-limit'] },
);
