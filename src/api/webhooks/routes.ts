// POST /webhooks/calls/:organizationId: no JWT; an HMAC over the raw body instead.
// Order of checks: organization (404) → signature (401) → JSON and schema (400) → user of that org (422).
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { UnknownUserError } from '../../domain/calls/intake.js';
import { MAX_TRANSCRIPT_CHARS, transcriptLength } from '../../domain/calls/transcript.js';
import { badRequest, unprocessable } from '../plugins/errors.js';
import { NullableString, TranscriptSchema } from '../schemas/common.js';
import { callWebhookResponses } from './responses.js';
import { signedBySecret } from './sender.js';
import { acceptCall } from './accept-call.js';
import { tagRoutes } from '../plugins/route-groups.js';

const CallBody = Type.Object(
  {
    callId: Type.String({ minLength: 1, maxLength: 255 }),
    userId: Type.String({ minLength: 1, maxLength: 64 }),
    lead: Type.Object(
      {
        externalId: Type.String({ minLength: 1, maxLength: 255 }),
        // Providers often send null for what they do not know: the same as leaving it out.
        name: Type.Optional(NullableString({ maxLength: 255 })),
        phone: Type.Optional(NullableString({ maxLength: 64 })),
        email: Type.Optional(NullableString({ maxLength: 320 })),
      },
      { additionalProperties: false },
    ),
    transcript: TranscriptSchema,
    startedAt: Type.Optional(Type.String({ format: 'date-time' })),
    durationSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
    metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
type CallBodyT = Static<typeof CallBody>;

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'webhooks');
  // The signature covers the raw bytes exactly; a JSON error waits until the signature is known good.
  await app.register(signedBySecret, deps);

  app.post(
    '/calls/:organizationId',
    {
      schema: {
        summary: 'A finished call from the telephony / voice-AI provider (signed)',
        params: Type.Object({ organizationId: Type.String() }),
        headers: Type.Object({
          'x-callsense-timestamp': Type.Optional(Type.String()),
          'x-callsense-signature': Type.Optional(Type.String()),
        }),
        body: CallBody,
        response: callWebhookResponses,
      },
      // After the signature (preValidation): only the organization's own signed deliveries spend its budget.
      preHandler: [app.webhookRateLimit],
    },
    async (request, reply) => {
      const { organizationId } = request.sender;
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
    },
  );
};

export default routes;
