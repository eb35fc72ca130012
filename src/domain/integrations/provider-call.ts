// What a voice platform's payload maps to before it enters the common intake: each piece may be missing, and
// the route answers 422 naming what is (nothing is stored then).
import type { TranscriptInput } from '../calls/transcript.js';

export interface ProviderCall {
  callId: string | null;
  /** The user id the mapping chose and which rule chose it (for the error message when it is not a user). */
  user: { id: string; from: string } | null;
  lead: { externalId: string; phone: string | null } | null;
  transcript: TranscriptInput | null;
  startedAt: string | undefined;
  durationSeconds: number | undefined;
  metadata: Record<string, unknown>;
  /** The provider's own analysis of the call, when it sent one. */
  providerAnalysis: Record<string, unknown> | undefined;
}

export type Turn = { role: 'agent' | 'customer'; content: string };

/** A non-empty string, else undefined: providers send "" and null for what they do not know. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seconds between two instants in milliseconds, when both are known and in order. */
export function secondsBetween(startMs: number | undefined, endMs: number | undefined): number | undefined {
  if (startMs === undefined || endMs === undefined) return undefined;
  return Number.isFinite(startMs) && Number.isFinite(endMs) && endMs >= startMs ? (endMs - startMs) / 1000 : undefined;
}

/** The first candidate that is set, with the rule that supplied it. */
export function firstUser(candidates: [from: string, id: string | undefined][]): ProviderCall['user'] {
  for (const [from, id] of candidates) if (id) return { id, from };
  return null;
}
