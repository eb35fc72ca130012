// Trains one user's scoring model from that user's WON/LOST leads in one organization, stores it as a new
// version, and activates it only when it is not worse than the active model on the same holdout.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Lead } from '../leads/lead.entity.js';
import { LeadScoringModel } from './lead-scoring-model.entity.js';
import { featureRow } from './features.js';
import { featuresOf } from './lead-features.js';
import { accuracy, fitLogisticRegression, fitStandardizer, rocAuc, standardize } from './logistic-regression.js';
import { probabilityWith, toStoredParameters, type StoredParameters } from './stored-model.js';
import { splitHoldout } from './holdout.js';
import { rescoreOpenLeads } from './score-lead.js';

export interface TrainingRequest {
  organizationId: string;
  userId: string;
  /** WON and LOST leads needed (each) before a model is trained; at least 2, so both sides of the split get both. */
  minLeadsPerClass: number;
}

export interface Evaluation {
  accuracy: number | null;
  auc: number | null;
}

interface Counts {
  organizationId: string;
  userId: string;
  won: number;
  lost: number;
}

export type TrainingOutcome =
  | (Counts & { status: 'insufficient-data'; reason: string })
  | (Counts & {
      status: 'trained';
      version: number;
      activated: boolean;
      reason: string;
      holdout: Evaluation & { size: number };
      /** The previously active model, evaluated on this run's holdout. */
      champion: (Evaluation & { version: number }) | null;
      trainingDataCount: number;
      rescoredLeads: number;
    });

/** Not worse: a higher AUC, or the same AUC and at least the same accuracy. */
export function notWorse(challenger: Evaluation, champion: Evaluation): boolean {
  const eps = 1e-9;
  if (challenger.auc === null || champion.auc === null) return (challenger.accuracy ?? 0) >= (champion.accuracy ?? 0) - eps;
  if (challenger.auc > champion.auc + eps) return true;
  if (challenger.auc < champion.auc - eps) return false;
  return (challenger.accuracy ?? 0) >= (champion.accuracy ?? 0) - eps;
}

function evaluate(probabilities: number[], labels: number[]): Evaluation {
  return { accuracy: accuracy(probabilities, labels), auc: rocAuc(probabilities, labels) };
}

const format = (e: Evaluation) => `AUC ${e.auc?.toFixed(4) ?? 'n/a'}, accuracy ${e.accuracy?.toFixed(4) ?? 'n/a'}`;

/** `em` must be scoped to `organizationId` (tenantEm); the whole run is one transaction, serialized per user. */
export async function trainUserModel(em: EntityManager, request: TrainingRequest): Promise<TrainingOutcome> {
  const { organizationId, userId } = request;
  const minimum = Math.max(2, request.minLeadsPerClass);
  return em.transactional(async (tx) => {
    // Two runs for the same user (weekly child and a manual one) must not race on versions or activation.
    await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`lead-scoring:${organizationId}:${userId}`]);
    const leads = await tx.find(
      Lead,
      { organization: organizationId, assignedTo: userId, status: { $in: ['WON', 'LOST'] } },
      { fields: ['id', 'status', 'completeAnalysis'], orderBy: { id: 'asc' } },
    );
    const won = leads.filter((l) => l.status === 'WON').length;
    const counts: Counts = { organizationId, userId, won, lost: leads.length - won };
    if (counts.won < minimum || counts.lost < minimum) {
      return {
        ...counts,
        status: 'insufficient-data' as const,
        reason: `Needs at least ${minimum} WON and ${minimum} LOST leads; has ${counts.won} WON and ${counts.lost} LOST`,
      };
    }

    const features = await featuresOf(tx, leads);
    const examples = leads.map((lead) => ({ id: lead.id, label: (lead.status === 'WON' ? 1 : 0) as 0 | 1, features: features.get(lead.id)! }));
    const { training, holdout } = splitHoldout(examples);

    const rows = training.map((e) => featureRow(e.features));
    const standardizer = fitStandardizer(rows);
    const fit = fitLogisticRegression(rows.map((r) => standardize(r, standardizer)), training.map((e) => e.label));
    const parameters = toStoredParameters(fit, standardizer);

    const holdoutLabels = holdout.map((e) => e.label);
    const scoreHoldout = (model: StoredParameters) => evaluate(holdout.map((e) => probabilityWith(model, e.features)), holdoutLabels);
    const challenger = scoreHoldout(parameters);
    const active = await tx.findOne(LeadScoringModel, { organization: organizationId, user: userId, active: true });
    const champion = active ? { version: active.version, ...scoreHoldout(active) } : null;
    const activated = !champion || notWorse(challenger, champion);

    const latest = await tx.findOne(LeadScoringModel, { organization: organizationId, user: userId }, { orderBy: { version: 'desc' }, fields: ['version'] });
    const version = (latest?.version ?? 0) + 1;
    if (activated && active) active.active = false;
    const model = tx.create(LeadScoringModel, {
      organization: organizationId,
      user: userId,
      version,
      ...parameters,
      accuracy: challenger.accuracy,
      auc: challenger.auc,
      trainingDataCount: training.length,
      trainingLeadIds: training.map((e) => e.id),
      holdoutLeadIds: holdout.map((e) => e.id),
      active: activated,
    });
    await tx.flush();
    const rescoredLeads = activated ? await rescoreOpenLeads(tx, { organizationId, userId, model }) : 0;

    const reason = !champion
      ? `Activated: first model (${format(challenger)} on ${holdout.length} holdout leads)`
      : activated
        ? `Activated: ${format(challenger)} is not worse than active v${champion.version}'s ${format(champion)} on the same ${holdout.length} holdout leads`
        : `Kept v${champion.version} active: ${format(challenger)} is worse than its ${format(champion)} on the same ${holdout.length} holdout leads`;
    return {
      ...counts,
      status: 'trained' as const,
      version,
      activated,
      reason,
      holdout: { ...challenger, size: holdout.length },
      champion,
      trainingDataCount: training.length,
      rescoredLeads,
    };
  });
}
