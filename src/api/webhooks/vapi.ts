// POST /webhooks/vapi/:organizationId: Vapi's server-URL messages, authenticated by the server secret in
// `x-vapi-secret`. Order of checks: integration (404) → secret (401) → JSON and schema (400) → message type
// (204 unless it is an end-of-call-report) → mapping (422) → the common intake (202). Vapi sends once and waits
// 20 s at most: the answer comes as soon as the call is stored and its workflow started.
import { Type } from 'typebox';
import { VAPI_CALL_MESSAGE, mapVapiReport } from '../../domain/integrations/vapi.js';
import type { VapiReport } from '../../domain/integrations/vapi.js';
import { Nullable, NullableString } from '../schemas/common.js';
import { providerWebhookRoutes } from './provider-route.js';

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

export default providerWebhookRoutes({
  provider: 'vapi',
  summary: "A Vapi server-URL message (authenticated by the organization's Vapi server secret)",
  credentialHeader: 'x-vapi-secret',
  body: VapiBody,
  ignored: 'A message that is not an end-of-call report: acknowledged, nothing stored',
  callOf: ({ message: report }, integration) => {
    if (report.type !== VAPI_CALL_MESSAGE) return null;
    return mapVapiReport(report as VapiReport, {
      assistantUsers: integration.userMap,
      defaultUserId: integration.defaultUser ?? null,
    });
  },
});
