// How an organization's webhook secrets are stored: sealed under the application key (see secrets/sealed.ts), so a
// database dump does not let anyone sign deliveries for every tenant.
import { isSealed, openWithKeys, seal, type SealingKeys } from '../secrets/sealed.js';

// The current and the previous secret share one context: both belong to the organization, and a rotation moves
// the sealed current value into the previous column without opening it.
const sealContext = (organizationId: string) => `organization:${organizationId}:webhook-secret`;

/** What the webhook secret columns hold: the secret sealed under the current key. */
export const sealWebhookSecret = (keys: SealingKeys, organizationId: string, secret: string) =>
  seal(keys.key, secret, sealContext(organizationId));

/**
 * The secret in clear. A value stored before secrets were sealed is still plain text until the startup step
 * (`sealStoredWebhookSecrets`) or `admin reseal` seals it: it is used as it is meanwhile, so an upgrade never
 * breaks deliveries. Throws SealedSecretError when no configured key opens a sealed value.
 */
export function openWebhookSecret(keys: SealingKeys, organizationId: string, stored: string): string {
  return isSealed(stored) ? openWithKeys(keys, stored, sealContext(organizationId)).value : stored;
}

/** The stored value again under the current key, or null when it already is (or there is none). */
export function resealedWebhookSecret(
  keys: SealingKeys,
  organizationId: string,
  stored: string | null | undefined,
): string | null {
  if (!stored) return null;
  if (!isSealed(stored)) return sealWebhookSecret(keys, organizationId, stored);
  const opened = openWithKeys(keys, stored, sealContext(organizationId));
  return opened.current ? null : sealWebhookSecret(keys, organizationId, opened.value);
}
