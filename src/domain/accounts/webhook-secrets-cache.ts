// The secrets that verify an organization's signed webhooks, read from PostgreSQL at most once per organization
// every few seconds: every delivery needs them, and they change only on rotation. A rotation in this process
// clears the entry at once; one in another process (the CLI, another API replica) is seen within the TTL,
// which the grace window of the previous secret covers for deliveries already signed with it.
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantEm } from '../tenancy/tenant-em.js';
import { Organization } from './organization.entity.js';
import { acceptedWebhookSecrets } from './accepted-webhook-secrets.js';
import type { SealingKeys } from '../secrets/sealed.js';
import { openWebhookSecret } from './webhook-secret-sealing.js';

/** How long a cached entry is trusted: a rotation made by another process verifies within this time. */
const WEBHOOK_SECRETS_TTL_MS = 3000;
/** Bounded: entries of organizations that stopped sending are evicted first (oldest inserted). */
const MAX_ENTRIES = 10_000;

interface StoredSecrets {
  webhookSecret: string;
  previousWebhookSecret: string | null;
  previousWebhookSecretValidUntil: Date | null;
}

const entries = new Map<string, { secrets: Promise<StoredSecrets | null>; expiresAt: number }>();

/** The stored columns are sealed: the entry holds them opened, so each delivery does not decrypt again. */
async function readSecrets(
  root: EntityManager,
  keys: SealingKeys,
  organizationId: string,
): Promise<StoredSecrets | null> {
  const org = await tenantEm(root, organizationId).findOne(
    Organization,
    { id: organizationId },
    {
      fields: ['id', 'webhookSecret', 'previousWebhookSecret', 'previousWebhookSecretValidUntil'],
    },
  );
  if (!org) return null;
  return {
    webhookSecret: openWebhookSecret(keys, organizationId, org.webhookSecret),
    previousWebhookSecret: org.previousWebhookSecret
      ? openWebhookSecret(keys, organizationId, org.previousWebhookSecret)
      : null,
    previousWebhookSecretValidUntil: org.previousWebhookSecretValidUntil ?? null,
  };
}

/**
 * The secrets that verify a delivery to `organizationId` now (the previous one only inside its grace window),
 * or null when there is no such organization. Unknown organizations are not cached: one created a moment ago
 * must verify at once. Concurrent deliveries share one read.
 */
export async function webhookSecretsOf(
  root: EntityManager,
  keys: SealingKeys,
  organizationId: string,
  now = Date.now(),
): Promise<string[] | null> {
  let entry = entries.get(organizationId);
  if (!entry || entry.expiresAt <= now) {
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    const secrets = readSecrets(root, keys, organizationId);
    entry = { secrets, expiresAt: now + WEBHOOK_SECRETS_TTL_MS };
    entries.set(organizationId, entry);
    // A failed read or a missing organization is asked again by the next delivery.
    const forget = () => {
      if (entries.get(organizationId) === entry) entries.delete(organizationId);
    };
    secrets.then((found) => {
      if (!found) forget();
    }, forget);
  }
  const stored = await entry.secrets;
  return stored ? acceptedWebhookSecrets(stored, new Date(now)) : null;
}

/** Drops the cached secrets of one organization (after its secret changed). */
export function forgetWebhookSecrets(organizationId: string): void {
  entries.delete(organizationId);
}
