// POST /webhooks/retell/:organizationId: Retell AI's own webhook format, signed with the organization's Retell
// API key. Order of checks: integration (404) → signature (401) → JSON and schema (400) → event (204 unless it
// carries a finished call) → mapping (422) → the common intake (202).
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { RETELL_CALL_EVENTS, mapRetellCall } from '../../domain/integrations/retell.js';
import type { RetellCall } from '../../domain/integrations/retell.js';
import { unprocessable } from '../plugins/errors.js';
import { Nullable, NullableString } from '../schemas/common.js';
import { deliverProviderCall } from './provider-delivery.js';
import { providerWebhookResponses } from './responses.js';
import { signedByProvider } from './sender.js';

// What the mapping reads; every other field Retell sends (and adds later) is accepted and ignored.
const Str = (maxLength: number) => Type.Optional(NullableString({ maxLength }));
const EpochMs = Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 253_402_300_799_999 })));
const RetellTurn = Type.Object({ role: Type.String({ maxLength: 50 }), content: Type.String({ maxLength: 100_000 }) });
const RetellCallSchema = Type.Object({
  call_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  agent_id: Str(255),
  transcript: Str(500_000),
  transcript_object: Type.Optional(Nullable(Type.Array(RetellTurn, { maxItems: 5000 }))),
  start_timestamp: EpochMs,
  end_timestamp: EpochMs,
  duration_ms: EpochMs,
  from_number: Str(64),
  to_number: Str(64),
  direction: Str(20),
  disconnection_reason: Str(100),
  metadata: Type.Optional(Type.Unknown()),
  call_analysis: Type.Optional(Type.Unknown()),
});
const RetellBody = Type.Object({
  event: Type.Optional(Type.String({ maxLength: 100 })),
  event_type: Type.Optional(Type.String({ maxLength: 100 })),
  call: Type.Optional(RetellCallSchema),
});

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  await app.register(signedByProvider, { deps, provider: 'retell' });

  app.post(
    '/retell/:organizationId',
    {
      schema: {
        tags: ['webhooks'],
        summary: "A Retell AI webhook event (signed with the organization's Retell API key)",
        params: Type.Object({ organizationId: Type.String() }),
        headers: Type.Object({ 'x-retell-signature': Type.Optional(Type.String()) }),
        body: RetellBody,
        response: providerWebhookResponses('An event that carries no finished call: acknowledged, nothing stored'),
      },
      // Per organization, after the credential check: strangers cannot spend a tenant's budget.
      preHandler: [app.webhookRateLimit],
    },
    async (request, reply) => {
      const { organizationId } = request.sender;
      const body = request.body as Static<typeof RetellBody>;
      const event = body.event ?? body.event_type;
      if (!event || !(RETELL_CALL_EVENTS as readonly string[]).includes(event)) return reply.status(204).send(null);
      if (!body.call) throw unprocessable(`A ${event} event without a call cannot be stored`, { call: 'is missing' });

      const integration = request.integration!;
      const call = mapRetellCall(event, body.call as RetellCall, {
        agentUsers: integration.userMap,
        defaultUserId: integration.defaultUser ?? null,
      });
      const stored = await deliverProviderCall(deps, request, {
        organizationId,
        source: 'retell',
        call,
      });
      return reply.status(202).send({ id: stored.id, workflowId: stored.workflowId, duplicate: stored.duplicate });
    },
  );
};

export default routes;
