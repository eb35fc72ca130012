import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';
import { Organization } from './organization.entity.js';
import { forgetWebhookSecrets } from './webhook-secrets-cache.js';

/** A fresh webhook signing secret: 32 random bytes, prefixed so it is recognisable in a provider's settings. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * Replaces the organization's webhook secret. The one it replaces keeps verifying deliveries for
 * `graceSeconds` (deliveries already signed, providers not yet reconfigured); one previous secret is kept.
 * `em` is scoped to the organization; `actor` null is the operator's CLI.
 */
export async function rotateWebhookSecret(
  em: EntityManager,
  organizationId: string,
  graceSeconds: number,
  actor: { id: string; email: string } | null,
): Promise<{ webhookSecret: string; previousSecretValidUntil: Date }> {
  const rotated = await em.transactional(async (tx) => {
    const locked = { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true };
    const org = await tx.findOneOrFail(Organization, { id: organizationId }, locked);
    const previousSecretValidUntil = new Date(Date.now() + graceSeconds * 1000);
    org.previousWebhookSecret = org.webhookSecret;
    org.previousWebhookSecretValidUntil = previousSecretValidUntil;
    org.webhookSecret = newWebhookSecret();
    await recordAudit(tx, {
      organizationId,
      actorId: actor?.id ?? null,
      actorEmail: actor?.email ?? null,
      action: AUDIT_ACTIONS.webhookSecretRotated,
      target: { type: 'organization', id: organizationId },
      details: { previousSecretValidUntil: previousSecretValidUntil.toISOString() },
    });
    return { webhookSecret: org.webhookSecret, previousSecretValidUntil };
  });
  // After the commit, so the next delivery reads the new row.
  forgetWebhookSecrets(organizationId);
  return rotated;
}
