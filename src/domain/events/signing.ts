// Standard Webhooks signing: `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64
// HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the base64-decoded part of the secret after `whsec_`.
// The `standardwebhooks` package signs, so what consumers verify with any Standard Webhooks library is exactly
// what that library's reference implementation produces.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new endpoint secret: `whsec_` and 32 random bytes in base64. */
export function newEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The headers of one attempt; the timestamp is the attempt's, the id the delivery's (the same on every retry). */
export function signedHeaders(secret: string, deliveryId: string, at: Date, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': deliveryId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(deliveryId, at, body),
  };
}
