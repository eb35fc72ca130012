// Webhook signatures cover the exact bytes sent, so webhook routes keep them: `request.rawBody` is the body as
// received, `request.body` its JSON. A body that is not JSON (or holds NUL) is marked, not rejected, so the
// route can answer 401 for a bad signature before 400 for a bad body: an unsigned sender learns nothing.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NUL_MESSAGE, containsNul } from '../json-text.js';
import { badRequest } from '../plugins/errors.js';

const INVALID_JSON = Symbol('invalid JSON');
const NUL_TEXT = Symbol('NUL in text');
// Provider payloads are large (word-level timestamps, tool calls, costs): room for a long call.
const BODY_LIMIT = 8 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/** Registered inside a webhook routes plugin: replaces the JSON parser in that plugin's scope only. */
export const rawJsonBody = fp(async function rawJsonBody(app: FastifyInstance) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (request, raw, done) => {
    const body = raw as unknown as Buffer;
    request.rawBody = body;
    try {
      const value: unknown = JSON.parse(body.toString('utf8'));
      done(null, containsNul(value) ? NUL_TEXT : value);
    } catch {
      done(null, INVALID_JSON);
    }
  });
});

/** The raw bytes, empty when there was no JSON body at all. */
export const rawBodyOf = (request: FastifyRequest): Buffer => request.rawBody ?? Buffer.alloc(0);

/** Call once the sender is authenticated: a body that was not a JSON object is a 400 now. */
export function requireJsonBody(request: FastifyRequest): void {
  const body = request.body as unknown;
  if (body === INVALID_JSON || request.rawBody === undefined) throw badRequest('The body must be a JSON object');
  if (body === NUL_TEXT) throw badRequest(NUL_MESSAGE);
}
