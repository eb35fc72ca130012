// Deterministic ids and times for the demo organization: the same seed gives the same rows, so two fills can be
// compared row by row and the scoring holdout (a hash of each lead id) is the same every time.
import { createHash } from 'node:crypto';

export const DAY_MS = 86_400_000;

/** A version-4-shaped uuid derived from the seed and a name (not random: see the file comment). */
export function demoUuid(seed: number, ...name: (string | number)[]): string {
  const hex = createHash('sha256')
    .update(`callsense-demo:${seed}:${name.join(':')}`)
    .digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A short alphanumeric token derived the same way (provider call ids, prompt ids). */
export function demoToken(seed: number, length: number, ...name: (string | number)[]): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = createHash('sha256')
    .update(`callsense-demo-token:${seed}:${name.join(':')}`)
    .digest();
  return [...bytes.subarray(0, length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** `days` (fractional) before `now`. */
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** `seconds` after `at`, rounded to whole milliseconds (what the millisecond columns keep). */
export const secondsAfter = (at: Date, seconds: number) => new Date(at.getTime() + Math.round(seconds * 1000));
