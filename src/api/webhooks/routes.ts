// POST /webhooks/calls/:organizationId (CONTRACT §3): no JWT; an HMAC over the raw body instead.
// Order of checks: organization (404) → signature (401) → JSON and schema (400) → user of that org (422).
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';
import { UnknownUserError } from '../../domain/calls/intake.js';
import { checkWebhookSignature } from '../../domain/webhooks/signature.js';
import { webhookSecretsOf } from '../../domain/accounts/webhook-secrets-cache.js';
import { MAX_TRANSCRIPT_CHARS, transcriptLength } from '../../domain/calls/transcript.js';
import { badRequest, notFound, unauthorized, unprocessable } from '../plugins/errors.js';
import { ErrorSchema } from '../accounts-schemas.js';
import { NullableString, isUuid } from '../json-schemas.js';
import { rawBodyOf, rawJsonBody, requireJsonBody } from './raw-body.js';
import { acceptCall } from './accept-call.js';

const Turn = Type.Object({ role: Type.String({ minLength: 1, maxLength: 50 }), content: Type.String({ maxLength: 100_000 }) }, { additionalProperties: false });
const CallBody = Type.Object({
  callId: Type.String({ minLength: 1, maxLength: 255 }),
  userId: Type.String({ minLength: 1, maxLength: 64 }),
  lead: Type.Object({
    externalId: Type.String({ minLength: 1, maxLength: 255 }),
    // Providers often send null for what they do not know: the same as leaving it out.
    name: Type.Optional(NullableString({ maxLength: 255 })),
    phone: Type.Optional(NullableString({ maxLength: 64 })),
    email: Type.Optional(NullableString({ maxLength: 320 })),
  }, { additionalProperties: false }),
  transcript: Type.Union([Type.String({ minLength: 1, maxLength: MAX_TRANSCRIPT_CHARS }), Type.Array(Turn, { minItems: 1, maxItems: 5000 })]),
  startedAt: Type.Optional(Type.String({ format: 'date-time' })),
  durationSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
  metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, { additionalProperties: false });
type CallBodyT = Static<typeof CallBody>;

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  // Keep the raw bytes: the signature covers them exactly. A JSON error waits until the signature is known good.
  await app.register(rawJsonBody);

  app.post('/calls/:organizationId', {
    schema: {
      tags: ['webhooks'],
      summary: 'A finished call from the telephony / voice-AI provider (signed)',
      params: Type.Object({ organizationId: Type.String() }),
      headers: Type.Object({ 'x-callsense-timestamp': Type.Optional(Type.String()), 'x-callsense-signature': Type.Optional(Type.String()) }),
      body: CallBody,
      response: {
        202: Type.Object({ id: Type.String(), workflowId: Type.String(), duplicate: Type.Boolean() }),
        400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 422: ErrorSchema, 429: ErrorSchema, 503: ErrorSchema,
      },
    },
    // After the signature (preValidation): only the organization's own signed deliveries spend its budget.
    preHandler: [app.webhookRateLimit],
    preValidation: async (request) => {
      const { organizationId } = request.params as { organizationId: string };
      if (!isUuid(organizationId)) throw notFound('Organization');
      const secrets = await webhookSecretsOf(deps.orm.em, organizationId);
      if (!secrets) throw notFound('Organization');
      const problem = checkWebhookSignature({
        secret: secrets,
        rawBody: rawBodyOf(request),
        timestampHeader: request.headers['x-callsense-timestamp'] as string | undefined,
        signatureHeader: request.headers['x-callsense-signature'] as string | undefined,
        toleranceSeconds: deps.config.webhookToleranceSeconds,
      });
      if (problem === 'missing') throw unauthorized('Missing x-callsense-timestamp or x-callsense-signature header');
      if (problem === 'malformed') throw unauthorized('Malformed webhook signature headers');
      if (problem === 'stale') throw unauthorized(`Webhook timestamp is outside the ${deps.config.webhookToleranceSeconds} s tolerance`);
      if (problem === 'mismatch') throw unauthorized('Webhook signature does not match');
      requireJsonBody(request);
    },
  }, async (request, reply) => {
    const { organizationId } = request.params;
    const body = request.body as CallBodyT;
    if (transcriptLength(body.transcript) > MAX_TRANSCRIPT_CHARS) {
      const why = `is longer than ${MAX_TRANSCRIPT_CHARS} characters in total`;
      throw badRequest(`The transcript ${why}`, { 'body.transcript': why });
    }
    // The user check runs with the insert (storeCall): an unknown user stores nothing.
    const call = await acceptCall(deps, request, {
      organizationId,
      delivery: {
        ...body,
        userId: body.userId.toLowerCase(),
        metadata: body.metadata as Record<string, unknown> | undefined,
        source: 'callsense',
      },
    }).catch((error: unknown) => {
      if (!(error instanceof UnknownUserError)) throw error;
      const why = 'is not a user of this organization';
      throw unprocessable(`userId ${why}`, { 'body.userId': why });
    });
    return reply.status(202).send({ id: call.id, workflowId: call.workflowId, duplicate: call.duplicate });
  });
};

export default routes;
