// Vapi server-URL messages. Vapi authenticates with the server secret configured on the assistant, sent as is
// in `x-vapi-secret`; it sends each message once and waits at most 20 s, so the route only stores and starts.
import { createHash, timingSafeEqual } from 'node:crypto';
import { firstUser, isObject, secondsBetween, text, type ProviderCall, type Turn } from './provider-call.js';

/** Compares in constant time: digests first, so neither the length nor a prefix of the secret leaks. */
export function vapiSecretMatches(configured: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(configured), digest(header));
}

export const VAPI_CALL_MESSAGE = 'end-of-call-report';

/** The fields of an end-of-call-report that the mapping reads (validated by the route's schema). */
type Maybe<T> = T | null | undefined;
type VapiCustomer = { number?: Maybe<string> };
type VapiMessage = { role: string; message?: Maybe<string> };

export interface VapiReport {
  type: string;
  call?: Maybe<{ id?: string | undefined; assistantId?: Maybe<string>; customer?: Maybe<VapiCustomer> }>;
  assistant?: Maybe<{ id?: Maybe<string> }>;
  customer?: Maybe<VapiCustomer>;
  artifact?: Maybe<{ transcript?: Maybe<string>; messages?: Maybe<VapiMessage[]> }>;
  transcript?: string | null | undefined;
  startedAt?: string | null | undefined;
  endedAt?: string | null | undefined;
  endedReason?: string | null | undefined;
  analysis?: unknown;
}

export interface VapiSettings {
  assistantUsers: Record<string, string>;
  defaultUserId: string | null;
}

const VAPI_ROLES: Record<string, Turn['role']> = { bot: 'agent', assistant: 'agent', user: 'customer' };

export function mapVapiReport(report: VapiReport, settings: VapiSettings): ProviderCall {
  const assistantId = text(report.call?.assistantId) ?? text(report.assistant?.id);
  const customerNumber = text(report.customer?.number) ?? text(report.call?.customer?.number);
  const turns: Turn[] = (report.artifact?.messages ?? []).flatMap((message) => {
    const role = VAPI_ROLES[message.role];
    const content = text(message.message);
    return role && content ? [{ role, content }] : [];
  });
  const transcriptText = text(report.artifact?.transcript) ?? text(report.transcript);
  const startMs = report.startedAt ? Date.parse(report.startedAt) : undefined;
  const endMs = report.endedAt ? Date.parse(report.endedAt) : undefined;
  const analysis = report.analysis;
  const providerAnalysis = isObject(analysis) && Object.keys(analysis).length ? analysis : undefined;

  return {
    callId: text(report.call?.id) ?? null,
    user: firstUser([
      [`assistantUsers[${assistantId ?? ''}]`, assistantId ? settings.assistantUsers[assistantId] : undefined],
      ['defaultUserId', settings.defaultUserId ?? undefined],
    ]),
    lead: customerNumber ? { externalId: customerNumber, phone: customerNumber } : null,
    transcript: turns.length ? turns : (transcriptText ?? null),
    startedAt: startMs !== undefined && Number.isFinite(startMs) ? new Date(startMs).toISOString() : undefined,
    durationSeconds: secondsBetween(startMs, endMs),
    metadata: {
      provider: 'vapi',
      ...(assistantId ? { assistantId } : {}),
      ...(text(report.endedReason) ? { endedReason: report.endedReason } : {}),
      ...(providerAnalysis ? { providerAnalysis } : {}),
    },
    providerAnalysis,
  };
}
