// Retell AI webhooks. Retell signs each POST with the organization's API key (the one marked for webhooks):
// `x-retell-signature: v=<unix ms>,d=<hex HMAC-SHA256 over the raw body bytes followed by the decimal v>`,
// and its own verifier accepts 5 minutes of clock difference either way.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { firstUser, isObject, secondsBetween, text, type ProviderCall, type Turn } from './provider-call.js';

const RETELL_TOLERANCE_MS = 5 * 60 * 1000;
/** The events that carry a finished call; every other event is acknowledged and ignored. */
export const RETELL_CALL_EVENTS = ['call_ended', 'call_analyzed'] as const;

export type RetellSignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

export function checkRetellSignature(input: {
  apiKey: string;
  rawBody: Buffer;
  header: string | undefined;
  nowMs?: number;
}): RetellSignatureProblem | null {
  if (!input.header) return 'missing';
  const match = /^v=(\d{1,16}),d=([0-9a-f]{64})$/i.exec(input.header.trim());
  if (!match) return 'malformed';
  const timestamp = match[1]!;
  if (Math.abs((input.nowMs ?? Date.now()) - Number(timestamp)) > RETELL_TOLERANCE_MS) return 'stale';
  const expected = createHmac('sha256', input.apiKey).update(input.rawBody).update(timestamp).digest();
  const actual = Buffer.from(match[2]!, 'hex');
  return timingSafeEqual(expected, actual) ? null : 'mismatch';
}

/** The fields of Retell's call object that the mapping reads (validated by the route's schema). */
export interface RetellCall {
  call_id?: string | undefined;
  agent_id?: string | null | undefined;
  transcript?: string | null | undefined;
  transcript_object?: { role: string; content: string }[] | null | undefined;
  start_timestamp?: number | null | undefined;
  end_timestamp?: number | null | undefined;
  duration_ms?: number | null | undefined;
  from_number?: string | null | undefined;
  to_number?: string | null | undefined;
  direction?: string | null | undefined;
  disconnection_reason?: string | null | undefined;
  metadata?: unknown;
  call_analysis?: unknown;
}

export interface RetellSettings {
  agentUsers: Record<string, string>;
  defaultUserId: string | null;
}

const RETELL_ROLES: Record<string, Turn['role']> = { agent: 'agent', user: 'customer' };

export function mapRetellCall(event: string, call: RetellCall, settings: RetellSettings): ProviderCall {
  const metadata = isObject(call.metadata) ? call.metadata : {};
  const agentId = text(call.agent_id);
  const customerNumber =
    call.direction === 'inbound'
      ? text(call.from_number)
      : call.direction === 'outbound'
        ? text(call.to_number)
        : undefined;
  const leadExternalId = text(metadata.lead_external_id) ?? customerNumber;

  const turns: Turn[] = (call.transcript_object ?? []).flatMap((turn) => {
    const role = RETELL_ROLES[turn.role];
    return role && turn.content.trim() !== '' ? [{ role, content: turn.content }] : [];
  });
  const transcriptText = text(call.transcript);

  const start = call.start_timestamp ?? undefined;
  const duration =
    secondsBetween(start, call.end_timestamp ?? undefined) ??
    (typeof call.duration_ms === 'number' && call.duration_ms >= 0 ? call.duration_ms / 1000 : undefined);
  const providerAnalysis = isObject(call.call_analysis) ? call.call_analysis : undefined;

  return {
    callId: text(call.call_id) ?? null,
    user: firstUser([
      [`agentUsers[${agentId ?? ''}]`, agentId ? settings.agentUsers[agentId] : undefined],
      ['metadata.callsense_user_id', text(metadata.callsense_user_id)],
      ['defaultUserId', settings.defaultUserId ?? undefined],
    ]),
    lead: leadExternalId ? { externalId: leadExternalId, phone: customerNumber ?? null } : null,
    transcript: turns.length ? turns : (transcriptText ?? null),
    startedAt: typeof start === 'number' && Number.isFinite(start) ? new Date(start).toISOString() : undefined,
    durationSeconds: duration,
    metadata: {
      provider: 'retell',
      event,
      ...(agentId ? { agentId } : {}),
      ...(text(call.direction) ? { direction: call.direction } : {}),
      ...(text(call.disconnection_reason) ? { disconnectionReason: call.disconnection_reason } : {}),
      ...(isObject(call.metadata) ? { providerMetadata: call.metadata } : {}),
      ...(providerAnalysis ? { providerAnalysis } : {}),
    },
    providerAnalysis,
  };
}
