// What a person needs to know about a user's scoring: whether they have a model, why not, which model
// scores their leads now, and how the last run ended (from scoring_runs, never from Temporal history).
import type { EntityManager } from '@mikro-orm/postgresql';
import { Lead } from '../leads/lead.entity.js';
import { VISIBILITY_FILTER } from '../tenancy/filters.js';
import type { ModelScope } from './lead-scoring-model.entity.js';
import { ScoringRun, type RunOutcome } from './scoring-run.entity.js';
import { modelScoringUser } from './score-lead.js';
import { insufficientReason } from './train-user-model.js';

export interface ScoringStatus {
  state: 'untrained' | 'insufficient-data' | 'trained';
  won: number;
  lost: number;
  requiredPerClass: number;
  activeVersion: number | null;
  scope: ModelScope | null;
  lastRun: { at: string; outcome: RunOutcome; reason: string } | null;
}

/** WON/LOST counts of a user, or of the whole organization (userId null) whoever asks (a count shows no lead). */
async function closedCounts(em: EntityManager, organizationId: string, userId: string | null) {
  const where = (status: 'WON' | 'LOST') => ({
    organization: organizationId,
    ...(userId ? { assignedTo: userId } : {}),
    status,
  });
  const options = { filters: { [VISIBILITY_FILTER]: false } };
  return { won: await em.count(Lead, where('WON'), options), lost: await em.count(Lead, where('LOST'), options) };
}

export async function scoringStatus(
  em: EntityManager,
  { organizationId, userId, minLeadsPerClass }: { organizationId: string; userId: string; minLeadsPerClass: number },
): Promise<ScoringStatus> {
  const requiredPerClass = Math.max(2, minLeadsPerClass);
  const { won, lost } = await closedCounts(em, organizationId, userId);
  const model = await modelScoringUser(em, organizationId, userId);
  const last = await em.findOne(
    ScoringRun,
    { organization: organizationId, user: userId },
    {
      orderBy: { at: 'desc', id: 'desc' },
    },
  );
  const ownModel = model?.scope === 'user';
  return {
    state: ownModel ? 'trained' : won < requiredPerClass || lost < requiredPerClass ? 'insufficient-data' : 'untrained',
    won,
    lost,
    requiredPerClass,
    activeVersion: model?.version ?? null,
    scope: model?.scope ?? null,
    lastRun: last ? { at: last.at.toISOString(), outcome: last.outcome, reason: last.reason } : null,
  };
}

/** Why no model scores this user's leads, for a 404 a person can act on. */
export async function whyNoModel(em: EntityManager, status: ScoringStatus, organizationId: string): Promise<string> {
  const own =
    status.state === 'insufficient-data'
      ? `${insufficientReason(status.requiredPerClass, status.won, status.lost)}.`
      : status.lastRun?.outcome === 'failed'
        ? `The last training failed: ${status.lastRun.reason}.`
        : 'Enough WON and LOST leads, but no model has been trained yet: the weekly run or "Retrain now" trains it.';
  const pooled = await closedCounts(em, organizationId, null);
  const organization =
    pooled.won < status.requiredPerClass || pooled.lost < status.requiredPerClass
      ? `The organization has no model either (${insufficientReason(
          status.requiredPerClass,
          pooled.won,
          pooled.lost,
        ).replace('Needs', 'it needs')}).`
      : 'The organization has enough data for a pooled model; the weekly run trains it.';
  return `No scoring model scores your leads yet. ${own} ${organization}`;
}
