// Webhook signatures: `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, keyed with the
// organization's webhook secret, accepted within WEBHOOK_TOLERANCE_SECONDS of now.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signWebhook(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

export function checkWebhookSignature(input: {
  /** Several during a rotation's grace window: any one of them verifies the delivery. */
  secret: string | readonly string[];
  rawBody: string | Buffer;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  toleranceSeconds: number;
  nowSeconds?: number;
}): SignatureProblem | null {
  const { timestampHeader, signatureHeader } = input;
  if (!timestampHeader || !signatureHeader) return 'missing';
  if (!/^\d{1,12}$/.test(timestampHeader) || !/^sha256=[0-9a-f]{64}$/i.test(signatureHeader)) return 'malformed';
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestampHeader)) > input.toleranceSeconds) return 'stale';
  const actual = Buffer.from(signatureHeader.slice(7), 'hex');
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  const matches = secrets.map((secret) => {
    const expected = Buffer.from(signWebhook(secret, timestampHeader, input.rawBody).slice(7), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  });
  return matches.includes(true) ? null : 'mismatch';
}
