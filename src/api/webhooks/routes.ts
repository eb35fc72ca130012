// POST /webhooks/calls/:organizationId (CONTRACT §3): no JWT; an HMAC over the raw body instead.
// Order of checks: organization (404) → signature (401) → JSON and schema (400) → user of that org (422).
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { User } from '../../domain/accounts/user.entity.js';
import { tenantEm } from '../../domain/tenancy/tenant-em.js';
import { checkWebhookSignature } from '../../domain/webhooks/signature.js';
import { acceptedWebhookSecrets } from '../../domain/accounts/webhook-secret.js';
import { ensureCallWorkflow, storeCall } from '../../domain/calls/intake.js';
import { MAX_TRANSCRIPT_CHARS, transcriptLength } from '../../domain/calls/transcript.js';
import { HttpError, badRequest, notFound, unauthorized, unprocessable } from '../plugins/errors.js';
import { ErrorSchema } from '../accounts-schemas.js';
import { NullableString, isUuid } from '../json-schemas.js';
import { NUL_MESSAGE, containsNul } from '../json-text.js';

const INVALID_JSON = Symbol('invalid JSON');
const NUL_TEXT = Symbol('NUL in text');

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

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
  app.removeContentTypeParser('application/json'); // replaces the app's parser in this scope only
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 2 * 1024 * 1024 }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      const value: unknown = JSON.parse((body as Buffer).toString('utf8'));
      done(null, containsNul(value) ? NUL_TEXT : value);
    } catch {
      done(null, INVALID_JSON);
    }
  });

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
      const org = await tenantEm(deps.orm.em, organizationId).findOne(Organization, { id: organizationId }, {
        fields: ['id', 'webhookSecret', 'previousWebhookSecret', 'previousWebhookSecretValidUntil'],
      });
      if (!org) throw notFound('Organization');
      const problem = checkWebhookSignature({
        secret: acceptedWebhookSecrets(org),
        rawBody: request.rawBody ?? Buffer.alloc(0),
        timestampHeader: request.headers['x-callsense-timestamp'] as string | undefined,
        signatureHeader: request.headers['x-callsense-signature'] as string | undefined,
        toleranceSeconds: deps.config.webhookToleranceSeconds,
      });
      if (problem === 'missing') throw unauthorized('Missing x-callsense-timestamp or x-callsense-signature header');
      if (problem === 'malformed') throw unauthorized('Malformed webhook signature headers');
      if (problem === 'stale') throw unauthorized(`Webhook timestamp is outside the ${deps.config.webhookToleranceSeconds} s tolerance`);
      if (problem === 'mismatch') throw unauthorized('Webhook signature does not match');
      if ((request.body as unknown) === INVALID_JSON || request.rawBody === undefined) throw badRequest('The body must be a JSON object');
      if ((request.body as unknown) === NUL_TEXT) throw badRequest(NUL_MESSAGE);
    },
  }, async (request, reply) => {
    const { organizationId } = request.params;
    const body = request.body as CallBodyT;
    if (transcriptLength(body.transcript) > MAX_TRANSCRIPT_CHARS) {
      const why = `is longer than ${MAX_TRANSCRIPT_CHARS} characters in total`;
      throw badRequest(`The transcript ${why}`, { 'body.transcript': why });
    }
    const em = tenantEm(deps.orm.em, organizationId);
    const user = isUuid(body.userId) ? await em.findOne(User, { id: body.userId }, { fields: ['id', 'email'] }) : null;
    if (!user) throw unprocessable('userId is not a user of this organization', { 'body.userId': 'is not a user of this organization' });

    const call = await storeCall(em, organizationId, { ...body, metadata: body.metadata as Record<string, unknown> | undefined });
    try {
      await ensureCallWorkflow(deps.temporal.client, {
        taskQueue: deps.config.temporal.taskQueue,
        organizationId,
        userId: user.id,
        call,
        openaiTimeoutMs: deps.config.openai.timeoutMs,
        memo: { summary: `Call ${body.callId} of lead ${body.lead.name ?? body.lead.externalId} (user ${user.email})` },
      });
    } catch (error) {
      // The call is stored; a redelivery will start its workflow. Tell the provider to retry.
      request.log.error({ err: error, callId: body.callId }, 'could not start the call analysis workflow');
      throw new HttpError(503, 'The call is stored but its analysis could not be started yet; deliver it again later');
    }
    return reply.status(202).send({ id: call.id, workflowId: call.workflowId, duplicate: call.duplicate });
  });
};

export default routes;
