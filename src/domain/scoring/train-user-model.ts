// Trains a scoring model in one organization: a user's own, from that user's WON/LOST leads, or the
// organization's pooled one (userId null), from all its WON/LOST leads. Stores it as a new version and
// activates it only when it is not worse than the active model on the same holdout. Every run's outcome is
// recorded (scoring_runs) in the same transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import { LeadScoringModel, type ModelScope } from './lead-scoring-model.entity.js';
import { ScoringRun, type RunOutcome } from './scoring-run.entity.js';
import { featureRow } from './features.js';
import { loadLeadRows } from './lead-rows.js';
import { accuracy, fitStandardized, rocAuc } from './logistic-regression.js';
import { probabilityWith, toStoredParameters, type StoredParameters } from './stored-model.js';
import { splitHoldout } from './holdout.js';
import { rescoreOpenLeads, rescoreOrganizationLeads } from './score-lead.js';
import { bandWinRates, brierScore, logLoss } from './calibration.js';
import { trainingFingerprint } from './fingerprint.js';
import { lockModelOwner, lockOrganizationRescore } from './locks.js';

export interface TrainingRequest {
  organizationId: string;
  /** The user whose model is trained; null for the organization's pooled model. */
  userId: string | null;
  /** WON and LOST leads needed (each) before a model is trained; at least 2, so both sides of the split get both. */
  minLeadsPerClass: number;
}

interface Evaluation {
  accuracy: number | null;
  auc: number | null;
}

interface Counts {
  organizationId: string;
  userId: string | null;
  scope: ModelScope;
  won: number;
  lost: number;
}

interface Summary {
  outcome: RunOutcome;
  reason: string;
  activated: boolean;
  accuracy: number | null;
  auc: number | null;
  /** WON/LOST leads the version was built from, holdout included; null when no version was involved. */
  trainingDataCount: number | null;
  holdoutCount: number | null;
}

export type TrainingOutcome =
  | (Counts & Summary & { status: 'insufficient-data'; version: null })
  /** Same labelled leads and features as the active version: nothing stored, `version` is the active one. */
  | (Counts & Summary & { status: 'unchanged'; version: number })
  | (Counts &
      Summary & {
        status: 'trained';
        version: number;
        holdout: Evaluation & { size: number };
        /** The previously active model, evaluated on this run's holdout. */
        champion: (Evaluation & { version: number }) | null;
        rescoredLeads: number;
      });

/** Not worse: a higher AUC, or the same AUC and at least the same accuracy. */
function notWorse(challenger: Evaluation, champion: Evaluation): boolean {
  const eps = 1e-9;
  if (challenger.auc === null || champion.auc === null)
    return (challenger.accuracy ?? 0) >= (champion.accuracy ?? 0) - eps;
  if (challenger.auc > champion.auc + eps) return true;
  if (challenger.auc < champion.auc - eps) return false;
  return (challenger.accuracy ?? 0) >= (champion.accuracy ?? 0) - eps;
}

function evaluate(probabilities: number[], labels: number[]): Evaluation {
  return { accuracy: accuracy(probabilities, labels), auc: rocAuc(probabilities, labels) };
}

const format = (e: Evaluation) => `AUC ${e.auc?.toFixed(4) ?? 'n/a'}, accuracy ${e.accuracy?.toFixed(4) ?? 'n/a'}`;

/** Why the new version was activated or the active one kept, in the words the scoring status shows. */
function activationReason(
  challenger: Evaluation,
  champion: (Evaluation & { version: number }) | null,
  activated: boolean,
  holdoutSize: number,
): string {
  if (!champion) return `Activated: first model (${format(challenger)} on ${holdoutSize} holdout leads)`;
  const sameHoldout = `on the same ${holdoutSize} holdout leads`;
  const active = `active v${champion.version}'s ${format(champion)}`;
  if (activated) return `Activated: ${format(challenger)} is not worse than ${active} ${sameHoldout}`;
  return `Kept v${champion.version} active: ${format(challenger)} is worse than its ${format(champion)} ${sameHoldout}`;
}

/** The sentence a person reads when there is too little data. */
export const insufficientReason = (minimum: number, won: number, lost: number) =>
  `Needs at least ${minimum} WON and ${minimum} LOST leads; has ${won} WON and ${lost} LOST`;

/** `em` must be scoped to `organizationId` (tenantEm); the whole run is one transaction, serialized per owner. */
export async function trainUserModel(em: EntityManager, request: TrainingRequest): Promise<TrainingOutcome> {
  const { organizationId, userId } = request;
  const scope: ModelScope = userId ? 'user' : 'organization';
  const minimum = Math.max(2, request.minLeadsPerClass);
  return em.transactional(async (tx) => {
    // Two runs for the same owner (weekly child and a manual one) must not race on versions or activation.
    await lockModelOwner(tx, organizationId, userId);
    const record = (outcome: TrainingOutcome) => {
      const { reason, version, won, lost } = outcome;
      tx.create(ScoringRun, {
        organization: organizationId,
        user: userId,
        scope,
        outcome: outcome.outcome,
        reason,
        version,
        won,
        lost,
      });
      return outcome;
    };
    const leads = await loadLeadRows(tx, { organizationId, closed: true, ...(userId ? { assignedTo: userId } : {}) });
    const won = leads.filter((l) => l.status === 'WON').length;
    const counts: Counts = { organizationId, userId, scope, won, lost: leads.length - won };
    const none = { activated: false, accuracy: null, auc: null, trainingDataCount: null, holdoutCount: null };
    if (counts.won < minimum || counts.lost < minimum) {
      const reason = insufficientReason(minimum, counts.won, counts.lost);
      const outcome = record({
        ...counts,
        ...none,
        status: 'insufficient-data',
        outcome: 'insufficient-data',
        version: null,
        reason,
      });
      await tx.flush();
      return outcome;
    }

    const examples = leads.map((lead) => ({
      id: lead.id,
      label: (lead.status === 'WON' ? 1 : 0) as 0 | 1,
      features: lead.features,
    }));
    const fingerprint = trainingFingerprint(examples);
    const active = await tx.findOne(LeadScoringModel, { organization: organizationId, user: userId, active: true });
    if (active && active.trainingFingerprint === fingerprint) {
      const outcome = record({
        ...counts,
        status: 'unchanged',
        outcome: 'unchanged',
        version: active.version,
        activated: false,
        accuracy: active.accuracy ?? null,
        auc: active.auc ?? null,
        trainingDataCount: active.trainingDataCount,
        holdoutCount: active.holdoutCount,
        reason:
          `Unchanged: the same ${leads.length} WON/LOST leads and features as active v${active.version}; ` +
          'no new version',
      });
      await tx.flush();
      return outcome;
    }

    const { training, holdout } = splitHoldout(examples);
    const { fit, standardizer } = fitStandardized(
      training.map((e) => featureRow(e.features)),
      training.map((e) => e.label),
    );
    const parameters = toStoredParameters(fit, standardizer);

    const holdoutLabels = holdout.map((e) => e.label);
    const holdoutProbabilities = holdout.map((e) => probabilityWith(parameters, e.features));
    const scoreHoldout = (model: StoredParameters) =>
      evaluate(
        holdout.map((e) => probabilityWith(model, e.features)),
        holdoutLabels,
      );
    const challenger = evaluate(holdoutProbabilities, holdoutLabels);
    const champion = active ? { version: active.version, ...scoreHoldout(active) } : null;
    const activated = !champion || notWorse(challenger, champion);

    const reason = activationReason(challenger, champion, activated, holdout.length);

    const latest = await tx.findOne(
      LeadScoringModel,
      { organization: organizationId, user: userId },
      { orderBy: { version: 'desc' }, fields: ['version'] },
    );
    const version = (latest?.version ?? 0) + 1;
    if (activated && active) active.active = false;
    const model = tx.create(LeadScoringModel, {
      organization: organizationId,
      user: userId,
      scope,
      version,
      ...parameters,
      accuracy: challenger.accuracy,
      auc: challenger.auc,
      brierScore: brierScore(holdoutProbabilities, holdoutLabels),
      logLoss: logLoss(holdoutProbabilities, holdoutLabels),
      bandWinRates: bandWinRates(holdoutProbabilities, holdoutLabels),
      trainingDataCount: examples.length,
      holdoutCount: holdout.length,
      trainingLeadIds: training.map((e) => e.id),
      holdoutLeadIds: holdout.map((e) => e.id),
      trainingFingerprint: fingerprint,
      activationReason: reason,
      active: activated,
    });
    await tx.flush();
    let rescoredLeads = 0;
    if (activated && userId) {
      rescoredLeads = await rescoreOpenLeads(tx, { organizationId, userId, model, cause: 'retrain' });
    } else if (activated) {
      await lockOrganizationRescore(tx, organizationId);
      rescoredLeads = await rescoreOrganizationLeads(tx, { organizationId, model, cause: 'retrain' });
    }

    const outcome = record({
      ...counts,
      status: 'trained',
      outcome: activated ? 'activated' : 'kept-active',
      version,
      activated,
      reason,
      accuracy: challenger.accuracy,
      auc: challenger.auc,
      trainingDataCount: examples.length,
      holdoutCount: holdout.length,
      holdout: { ...challenger, size: holdout.length },
      champion,
      rescoredLeads,
    });
    await tx.flush();
    return outcome;
  });
}
