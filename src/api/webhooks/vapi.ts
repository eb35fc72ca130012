// POST /webhooks/vapi/:organizationId: Vapi's server-URL messages, authenticated by the server secret in
// `x-vapi-secret`. Order of checks: integration (404) → secret (401) → JSON and schema (400) → message type
// (204 unless it is an end-of-call-report) → mapping (422) → the common intake (202). Vapi sends once and waits
// 20 s at most: the answer comes as soon as the call is stored and its workflow started.
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { VAPI_CALL_MESSAGE, mapVapiReport } from '../../domain/integrations/vapi.js';
import type { VapiReport } from '../../domain/integrations/vapi.js';
import { Nullable, NullableString } from '../schemas/common.js';
import { deliverProviderCall } from './provider-delivery.js';
import { providerWebhookResponses } from './responses.js';
import { signedByProvider } from './sender.js';

// What the mapping reads; every other field Vapi sends (and adds later) is accepted and ignored.
const Str = (maxLength: number) => Type.Optional(NullableString({ maxLength }));
const Instant = Type.Optional(Nullable(Type.String({ format: 'date-time' })));
const Customer = Type.Optional(Nullable(Type.Object({ number: Str(64) })));
const VapiMessage = Type.Object({ role: Type.String({ maxLength: 50 }), message: Str(100_000) });
const VapiReportSchema = Type.Object({
  type: Type.String({ minLength: 1, maxLength: 100 }),
  call: Type.Optional(
    Nullable(
      Type.Object({
        id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        assistantId: Str(255),
        customer: Customer,
      }),
    ),
  ),
  assistant: Type.Optional(Nullable(Type.Object({ id: Str(255) }))),
  customer: Customer,
  artifact: Type.Optional(
    Nullable(
      Type.Object({
        transcript: Str(500_000),
        messages: Type.Optional(Nullable(Type.Array(VapiMessage, { maxItems: 10_000 }))),
      }),
    ),
  ),
  transcript: Str(500_000),
  startedAt: Instant,
  endedAt: Instant,
  endedReason: Str(255),
  analysis: Type.Optional(Type.Unknown()),
});
const VapiBody = Type.Object({ message: VapiReportSchema });

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  await app.register(signedByProvider, { deps, provider: 'vapi' });

  app.post(
    '/vapi/:organizationId',
    {
      schema: {
        tags: ['webhooks'],
        summary: "A Vapi server-URL message (authenticated by the organization's Vapi server secret)",
        params: Type.Object({ organizationId: Type.String() }),
        headers: Type.Object({ 'x-vapi-secret': Type.Optional(Type.String()) }),
        body: VapiBody,
        response: providerWebhookResponses('A message that is not an end-of-call report: acknowledged, nothing stored'),
      },
      // Per organization, after the credential check: strangers cannot spend a tenant's budget.
      preHandler: [app.webhookRateLimit],
    },
    async (request, reply) => {
      const { organizationId } = request.sender;
      const report = (request.body as Static<typeof VapiBody>).message;
      if (report.type !== VAPI_CALL_MESSAGE) return reply.status(204).send(null);

      const integration = request.integration!;
      const call = mapVapiReport(report as VapiReport, {
        assistantUsers: integration.userMap,
        defaultUserId: integration.defaultUser ?? null,
      });
      const stored = await deliverProviderCall(deps, request, {
        organizationId,
        source: 'vapi',
        call,
      });
      return reply.status(202).send({ id: stored.id, workflowId: stored.workflowId, duplicate: stored.duplicate });
    },
  );
};

export default routes;
