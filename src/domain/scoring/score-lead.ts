import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Scores a lead with the active model of its assigned user and stores the score.
 * Returns the score, or null when there is no model yet (the score stays as it is).
 * TODO(scoring issue): implement with LeadScoringModel.
 */
export async function scoreLeadWithActiveModel(_em: EntityManager, _leadId: string): Promise<number | null> {
  return null;
}
