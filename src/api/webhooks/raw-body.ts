// Webhook signatures cover the exact bytes sent, so webhook routes keep them: the JSON parser of a webhook route only
// keeps `request.rawBody`; the JSON is parsed (`parseVerifiedBody`) once the sender is authenticated, so a stranger's
// 8 MiB body costs no parse, and an unsigned sender learns nothing about its body (401 before 400).
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NUL_MESSAGE, containsNul } from '../json-text.js';
import { badRequest } from '../plugins/errors.js';

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
    request.rawBody = raw as unknown as Buffer;
    done(null, undefined);
  });
});

/** The raw bytes, empty when there was no JSON body at all. */
export const rawBodyOf = (request: FastifyRequest): Buffer => request.rawBody ?? Buffer.alloc(0);

/** Call once the sender is authenticated: parses the raw bytes into `request.body`, or answers 400. */
export function parseVerifiedBody(request: FastifyRequest): void {
  if (request.rawBody === undefined) throw badRequest('The body must be a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw badRequest('The body must be a JSON object');
  }
  if (containsNul(value)) throw badRequest(NUL_MESSAGE);
  request.body = value;
}
