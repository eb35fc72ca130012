// POST /webhooks/retell/:organizationId: Retell AI's own webhook format, signed with the organization's Retell
// API key. Order of checks: integration (404) → signature (401) → JSON and schema (400) → event (204 unless it
// carries a finished call) → mapping (422) → the common intake (202).
import { Type } from 'typebox';
import { RETELL_CALL_EVENTS, mapRetellCall } from '../../domain/integrations/retell.js';
import type { RetellCall } from '../../domain/integrations/retell.js';
import { unprocessable } from '../plugins/errors.js';
import { Nullable, NullableString } from '../schemas/common.js';
import { providerWebhookRoutes } from './provider-route.js';

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

export default providerWebhookRoutes({
  provider: 'retell',
  summary: "A Retell AI webhook event (signed with the organization's Retell API key)",
  credentialHeader: 'x-retell-signature',
  body: RetellBody,
  ignored: 'An event that carries no finished call: acknowledged, nothing stored',
  callOf: (body, integration) => {
    const event = body.event ?? body.event_type;
    if (!event || !(RETELL_CALL_EVENTS as readonly string[]).includes(event)) return null;
    if (!body.call) throw unprocessable(`A ${event} event without a call cannot be stored`, { call: 'is missing' });
    return mapRetellCall(event, body.call as RetellCall, {
      agentUsers: integration.userMap,
      defaultUserId: integration.defaultUser ?? null,
    });
  },
});
