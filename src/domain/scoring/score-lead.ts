// Scores leads with their assigned user's active model. A WON/LOST lead is history: it keeps its last score.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Lead } from '../leads/lead.entity.js';
import { LeadScoringModel } from './lead-scoring-model.entity.js';
import { featuresOf } from './lead-features.js';
import { probabilityWith, type StoredParameters } from './stored-model.js';

const CLOSED = ['WON', 'LOST'] as const;

/**
 * Scores a lead with the active model of its assigned user and stores the score (and the model version).
 * Returns the score; a WON/LOST lead returns its kept score; null when there is no model yet (the score
 * stays as it is). `em` is scoped to the lead's organization (tenantEm).
 */
export async function scoreLeadWithActiveModel(em: EntityManager, leadId: string): Promise<number | null> {
  const lead = await em.findOne(Lead, { id: leadId }, { fields: ['id', 'organization', 'assignedTo', 'status', 'score', 'completeAnalysis'] });
  if (!lead) return null;
  if ((CLOSED as readonly string[]).includes(lead.status)) return lead.score == null ? null : Number(lead.score);
  if (!lead.assignedTo) return null;
  const model = await em.findOne(LeadScoringModel, { organization: lead.organization, user: lead.assignedTo, active: true });
  if (!model) return null;
  const features = await featuresOf(em, [lead]);
  const score = probabilityWith(model, features.get(lead.id)!);
  // Guarded by status (a lead closed meanwhile keeps the score it had) and by the model still being active: a
  // score computed with a model replaced meanwhile never overwrites the newer model's.
  await em.execute(
    `update leads set score = ?, score_model_version = ?
      where id = ? and status not in ('WON', 'LOST')
        and exists (select 1 from lead_scoring_models m where m.id = ? and m.active)`,
    [score, model.version, lead.id, model.id],
  );
  return score;
}

/**
 * After a model is activated: re-scores the user's open leads with it. Runs inside the training
 * transaction; the rows are locked so a lead being closed right now keeps the score it had while open.
 */
export async function rescoreOpenLeads(
  em: EntityManager,
  { organizationId, userId, model }: { organizationId: string; userId: string; model: StoredParameters & { version: number } },
): Promise<number> {
  const leads = await em.find(
    Lead,
    { organization: organizationId, assignedTo: userId, status: { $nin: [...CLOSED] } },
    { fields: ['id', 'completeAnalysis', 'score', 'scoreModelVersion'], lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  const features = await featuresOf(em, leads);
  for (const lead of leads) {
    lead.score = probabilityWith(model, features.get(lead.id)!);
    lead.scoreModelVersion = model.version;
  }
  await em.flush();
  return leads.length;
}
