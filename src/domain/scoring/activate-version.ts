// Rolling back or pinning: makes one stored version of a user's model the active one and re-scores the
// user's open leads with it, in one transaction serialized with that user's training runs.
import type { EntityManager } from '@mikro-orm/postgresql';
import { LeadScoringModel, type ILeadScoringModel } from './lead-scoring-model.entity.js';
import { rescoreOpenLeads } from './score-lead.js';
import { lockModelOwner } from './locks.js';

export interface Activation {
  model: ILeadScoringModel;
  /** False when the version was already the active one (nothing changed). */
  changed: boolean;
  rescoredLeads: number;
}

/** Null when the user has no such version. `em` is scoped to the organization (tenantEm). */
export async function activateVersion(
  em: EntityManager,
  { organizationId, userId, version }: { organizationId: string; userId: string; version: number },
): Promise<Activation | null> {
  return em.transactional(async (tx) => {
    await lockModelOwner(tx, organizationId, userId);
    const model = await tx.findOne(LeadScoringModel, { organization: organizationId, user: userId, version });
    if (!model) return null;
    if (model.active) return { model, changed: false, rescoredLeads: 0 };
    const previous = await tx.findOne(LeadScoringModel, { organization: organizationId, user: userId, active: true });
    if (previous) previous.active = false;
    await tx.flush(); // the old one off first: at most one active version at any time
    model.active = true;
    const direction = !previous
      ? 'no version was active'
      : previous.version > version
        ? `rolled back from v${previous.version}`
        : `pinned over v${previous.version}`;
    model.activationReason = `Activated by hand (${direction})`;
    await tx.flush();
    const rescoredLeads = await rescoreOpenLeads(tx, { organizationId, userId, model, cause: 'activation' });
    return { model, changed: true, rescoredLeads };
  });
}
