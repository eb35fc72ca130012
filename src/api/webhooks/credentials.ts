// How each kind of webhook proves its sender, as 401s that say what is wrong: our own HMAC over the raw body
// (keyed with the organization's webhook secrets), Retell's signature (keyed with its API key), Vapi's shared
// server secret.
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import type { Provider } from '../../domain/integrations/integration.entity.js';
import { checkRetellSignature } from '../../domain/integrations/retell.js';
import { vapiSecretMatches } from '../../domain/integrations/vapi.js';
import { checkWebhookSignature } from '../../domain/webhooks/signature.js';
import { unauthorized } from '../plugins/errors.js';
import { rawBodyOf } from './raw-body.js';

const header = (request: FastifyRequest, name: string) => request.headers[name] as string | undefined;

/** `secrets`: the organization's secrets accepted now (the previous one only inside its grace window). */
export function verifyCallsenseSignature(deps: AppDeps, request: FastifyRequest, secrets: string[]): void {
  const tolerance = deps.config.webhookToleranceSeconds;
  const problem = checkWebhookSignature({
    secret: secrets,
    rawBody: rawBodyOf(request),
    timestampHeader: header(request, 'x-callsense-timestamp'),
    signatureHeader: header(request, 'x-callsense-signature'),
    toleranceSeconds: tolerance,
  });
  if (problem === 'missing') throw unauthorized('Missing x-callsense-timestamp or x-callsense-signature header');
  if (problem === 'malformed') throw unauthorized('Malformed webhook signature headers');
  if (problem === 'stale') throw unauthorized(`Webhook timestamp is outside the ${tolerance} s tolerance`);
  if (problem === 'mismatch') throw unauthorized('Webhook signature does not match');
}

function verifyRetell(request: FastifyRequest, apiKey: string): void {
  const signature = header(request, 'x-retell-signature');
  const problem = checkRetellSignature({ apiKey, rawBody: rawBodyOf(request), header: signature });
  if (problem === 'missing') throw unauthorized('Missing x-retell-signature header');
  if (problem === 'malformed') throw unauthorized('Malformed x-retell-signature header (expected v=<ms>,d=<hex>)');
  if (problem === 'stale') throw unauthorized('The x-retell-signature timestamp is more than 5 minutes off');
  if (problem === 'mismatch') throw unauthorized('The x-retell-signature does not match the Retell API key');
}

function verifyVapi(request: FastifyRequest, secret: string): void {
  const sent = request.headers['x-vapi-secret'];
  if (sent === undefined) throw unauthorized('Missing x-vapi-secret header');
  if (!vapiSecretMatches(secret, String(sent))) {
    throw unauthorized("The x-vapi-secret does not match this organization's Vapi server secret");
  }
}

export const verifyProvider: Record<Provider, (request: FastifyRequest, credential: string) => void> = {
  retell: verifyRetell,
  vapi: verifyVapi,
};
