import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';
import { SealedSecretError, type SealingKeys } from '../secrets/sealed.js';
import { Organization } from './organization.entity.js';
import { forgetWebhookSecrets } from './webhook-secrets-cache.js';
import { resealedWebhookSecret as resealed, sealWebhookSecret } from './webhook-secret-sealing.js';

/** A fresh webhook signing secret: 32 random bytes, prefixed so it is recognisable in a provider's settings. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** What a resealing pass did: rows sealed again, and the ids of rows that no configured key opens. */
export interface ResealReport {
  resealed: number;
  unreadable: string[];
}

/**
 * Seals every organization's webhook secrets that are not sealed under the current key: plain text left by
 * versions that stored them in clear, and values sealed under a previous key. Runs after the migrations on every
 * start (a SQL migration cannot seal: the key lives in the environment, not in the database; and unlike sealing
 * lazily on use, it leaves no plain text behind for organizations that never receive a delivery) and from
 * `admin reseal`. Idempotent; each row is rewritten under its own lock, so concurrent runs and rotations agree.
 */
export async function sealStoredWebhookSecrets(root: EntityManager, keys: SealingKeys): Promise<ResealReport> {
  const rows = await root
    .fork()
    .find(Organization, {}, { fields: ['id', 'webhookSecret', 'previousWebhookSecret'], filters: false });
  const report: ResealReport = { resealed: 0, unreadable: [] };
  for (const row of rows) {
    try {
      if (!resealed(keys, row.id, row.webhookSecret) && !resealed(keys, row.id, row.previousWebhookSecret)) continue;
      await root.fork().transactional(async (tx) => {
        const locked = await tx.findOneOrFail(
          Organization,
          { id: row.id },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, filters: false },
        );
        const current = resealed(keys, row.id, locked.webhookSecret);
        const previous = resealed(keys, row.id, locked.previousWebhookSecret);
        if (current) locked.webhookSecret = current;
        if (previous) locked.previousWebhookSecret = previous;
      });
      forgetWebhookSecrets(row.id);
      report.resealed++;
    } catch (error) {
      if (!(error instanceof SealedSecretError)) throw error;
      report.unreadable.push(row.id);
    }
  }
  return report;
}

/**
 * Replaces the organization's webhook secret. The one it replaces keeps verifying deliveries for
 * `graceSeconds` (deliveries already signed, providers not yet reconfigured), unless `revokePrevious` (a leaked
 * secret): then it stops at once. One previous secret is kept. `em` is scoped to the organization; `actor` null is
 * the operator's CLI.
 */
export async function rotateWebhookSecret(
  em: EntityManager,
  keys: SealingKeys,
  organizationId: string,
  options: { graceSeconds: number; revokePrevious?: boolean },
  actor: { id: string; email: string } | null,
): Promise<{ webhookSecret: string; previousSecretValidUntil: Date | null }> {
  const revoke = options.revokePrevious === true;
  const rotated = await em.transactional(async (tx) => {
    const locked = { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true };
    const org = await tx.findOneOrFail(Organization, { id: organizationId }, locked);
    const previousSecretValidUntil = revoke ? null : new Date(Date.now() + options.graceSeconds * 1000);
    org.previousWebhookSecret = revoke ? null : org.webhookSecret;
    org.previousWebhookSecretValidUntil = previousSecretValidUntil;
    const webhookSecret = newWebhookSecret();
    org.webhookSecret = sealWebhookSecret(keys, organizationId, webhookSecret);
    await recordAudit(tx, {
      organizationId,
      actorId: actor?.id ?? null,
      actorEmail: actor?.email ?? null,
      action: AUDIT_ACTIONS.webhookSecretRotated,
      target: { type: 'organization', id: organizationId },
      details: {
        previousSecretValidUntil: previousSecretValidUntil?.toISOString() ?? null,
        revokedPrevious: revoke,
        ...(actor ? {} : { via: 'cli' }),
      },
    });
    return { webhookSecret, previousSecretValidUntil };
  });
  // After the commit, so the next delivery reads the new row.
  forgetWebhookSecrets(organizationId);
  return rotated;
}
