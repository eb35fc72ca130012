// Scores leads with the model that applies to them: the assigned user's active model, else the
// organization's active pooled model. A WON/LOST lead is history: it keeps its last score.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Lead } from '../leads/lead.entity.js';
import { LeadScoringModel, type ILeadScoringModel, type ModelScope } from './lead-scoring-model.entity.js';
import type { ScoreCause } from './lead-score-history.entity.js';
import { featuresOf } from './lead-features.js';
import { explainWith, type StoredParameters } from './stored-model.js';
import { recordScoreChanges } from './score-history.js';
import { loadLeadRows, type LeadRow } from './lead-rows.js';
import { writeScores } from './write-scores.js';
import { recordLeadScored } from '../events/record-event.js';

const CLOSED = ['WON', 'LOST'] as const;

type ScoringModel = StoredParameters & { id: string; version: number; scope: ModelScope };

/** The model that scores a user's leads (their own active one, else the organization's); null when none. */
export async function modelScoringUser(
  em: EntityManager,
  organizationId: string,
  userId: string | null,
): Promise<ILeadScoringModel | null> {
  if (userId) {
    const own = await em.findOne(LeadScoringModel, { organization: organizationId, user: userId, active: true });
    if (own) return own;
  }
  return em.findOne(LeadScoringModel, { organization: organizationId, user: null, active: true });
}

/** A history entry is written only when the score, its version or its scope changes. */
type Previous = { score?: number | string | null; scoreModelVersion?: number | null; scoreScope?: string | null };
const isChange = (lead: Previous, score: number, model: ScoringModel) =>
  lead.score == null ||
  Number(lead.score) !== score ||
  lead.scoreModelVersion !== model.version ||
  lead.scoreScope !== model.scope;

/** Scores loaded open leads with `model` and writes the scores and their history in one statement. */
async function applyModel(
  em: EntityManager,
  organizationId: string,
  leads: readonly LeadRow[],
  model: ScoringModel,
  cause: ScoreCause,
): Promise<void> {
  const scores = leads.map((lead) => {
    const explained = explainWith(model, lead.features);
    return { leadId: lead.id, explained, changed: isChange(lead, explained.score, model) };
  });
  await writeScores(em, { organizationId, model, cause, scores });
}

/**
 * Scores a lead with the model that applies to it and stores the score (with its version, scope and
 * explanation). Returns the score; a WON/LOST lead returns its kept score; null when no model applies (the
 * score stays as it is). `em` is scoped to the lead's organization (tenantEm).
 */
export async function scoreLeadWithActiveModel(
  em: EntityManager,
  leadId: string,
  cause: ScoreCause = 'analysis',
): Promise<number | null> {
  const lead = await em.findOne(
    Lead,
    { id: leadId },
    {
      fields: [
        'id',
        'organization',
        'assignedTo',
        'status',
        'score',
        'scoreModelVersion',
        'scoreScope',
        'completeAnalysis',
        'externalId',
        'scoredAt',
      ],
    },
  );
  if (!lead) return null;
  if ((CLOSED as readonly string[]).includes(lead.status)) return lead.score == null ? null : Number(lead.score);
  const model = await modelScoringUser(em, lead.organization, lead.assignedTo ?? null);
  if (!model) return null;
  const features = await featuresOf(em, [lead]);
  const explained = explainWith(model, features.get(lead.id)!);
  const changed = isChange(lead, explained.score, model);
  // Guarded by status: a lead closed meanwhile keeps the score it had.
  // Guarded by status (a lead closed meanwhile keeps the score it had) and by the model still being active: a
  // score computed with a model replaced meanwhile never overwrites the newer model's.
  // The score, its history entry and its `lead.scored` event are written together, or not at all.
  await em.transactional(async (tx) => {
    const updated = await tx
      .execute(
        `update leads set score = ?, score_model_version = ?, score_scope = ?, scored_at = now(), score_explanation = ?
        where id = ? and status not in ('WON', 'LOST')
          and exists (select 1 from lead_scoring_models m where m.id = ? and m.active)`,
        [
          explained.score,
          model.version,
          model.scope,
          JSON.stringify({ intercept: explained.intercept, contributions: explained.contributions }),
          lead.id,
          model.id,
        ],
        'run',
      )
      .then((result) => (result as unknown as { affectedRows: number }).affectedRows);
    if (updated > 0 && changed) {
      const { version: modelVersion, scope } = model;
      await recordScoreChanges(tx, [
        { organizationId: lead.organization, leadId: lead.id, score: explained.score, modelVersion, scope, cause },
      ]);
      await recordLeadScored(tx, {
        organizationId: lead.organization,
        leadId: lead.id,
        externalId: lead.externalId,
        score: explained.score,
        previousScore: lead.score == null ? null : Number(lead.score),
        previousScoredAt: lead.scoredAt ?? null,
        modelVersion,
        scope,
        contributions: explained.contributions,
      });
    }
  });
  return explained.score;
}

/**
 * After a user's model is activated: re-scores the user's open leads with it. Runs inside the activating
 * transaction; the rows are locked so a lead being closed right now keeps the score it had while open.
 */
export async function rescoreOpenLeads(
  em: EntityManager,
  {
    organizationId,
    userId,
    model,
    cause,
  }: { organizationId: string; userId: string; model: ScoringModel; cause: ScoreCause },
): Promise<number> {
  const leads = await loadLeadRows(em, { organizationId, closed: false, assignedTo: userId, lock: true });
  await applyModel(em, organizationId, leads, model, cause);
  return leads.length;
}

/**
 * After the organization's model is activated: re-scores the open leads it applies to, those unassigned or
 * assigned to a user without an active model of their own. The caller holds lockOrganizationRescore, so
 * no user's activation is in flight while this decides who has a model.
 */
export async function rescoreOrganizationLeads(
  em: EntityManager,
  { organizationId, model, cause }: { organizationId: string; model: ScoringModel; cause: ScoreCause },
): Promise<number> {
  const withOwnModel = await em.find(
    LeadScoringModel,
    { organization: organizationId, user: { $ne: null }, active: true },
    { fields: ['user'] },
  );
  const excluded = withOwnModel.map((m) => m.user!);
  const leads = await loadLeadRows(em, { organizationId, closed: false, notAssignedTo: excluded, lock: true });
  await applyModel(em, organizationId, leads, model, cause);
  return leads.length;
}
