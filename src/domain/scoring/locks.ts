// Transaction-scoped advisory locks of the scoring runs.
//
// One lock per model owner serializes the runs that make versions and activate them (a weekly child and a
// click on "Retrain now", or an activation). The organization's re-scoring decides which users have no
// model of their own and overwrites their leads; it takes the organization lock exclusively, and every run
// that may activate a user's model takes it shared, so that decision always sees committed activations.
import type { EntityManager } from '@mikro-orm/postgresql';

const ownerKey = (organizationId: string, userId: string | null) =>
  `lead-scoring:${organizationId}:${userId ?? 'organization'}`;
const rescoreKey = (organizationId: string) => `lead-scoring-rescore:${organizationId}`;

/** Serializes runs of one model owner (a user, or the organization's pooled model when `userId` is null). */
export async function lockModelOwner(tx: EntityManager, organizationId: string, userId: string | null): Promise<void> {
  await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [ownerKey(organizationId, userId)]);
  if (!userId) return;
  await tx.execute('select pg_advisory_xact_lock_shared(hashtextextended(?, 0))', [rescoreKey(organizationId)]);
}

/** Held while the organization's model re-scores the leads of users without a model of their own. */
export async function lockOrganizationRescore(tx: EntityManager, organizationId: string): Promise<void> {
  await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [rescoreKey(organizationId)]);
}
