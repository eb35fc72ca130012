// Shapes of the scoring routes (AI personalization and the lead score routes).
import { Type } from 'typebox';
import type { ILeadScoringModel } from '../../domain/scoring/lead-scoring-model.entity.js';
import { RUN_OUTCOMES } from '../../domain/scoring/scoring-run.entity.js';
import { IsoDateTime, Nullable } from '../schemas/common.js';

export const ScopeSchema = Type.Union([Type.Literal('user'), Type.Literal('organization')]);
const BandRate = Type.Object({ leads: Type.Integer(), won: Type.Integer(), winRate: Nullable(Type.Number()) });
/** Extra: holdout calibration ("A leads were won 80 % of the time"). */
const Calibration = {
  brierScore: Nullable(Type.Number()),
  logLoss: Nullable(Type.Number()),
  bandWinRates: Nullable(Type.Object({ A: BandRate, B: BandRate, C: BandRate, D: BandRate })),
};

export const ModelSchema = Type.Object({
  version: Type.Integer(),
  scope: ScopeSchema,
  factors: Type.Record(Type.String(), Type.Number()),
  accuracy: Nullable(Type.Number()),
  auc: Nullable(Type.Number()),
  trainingDataCount: Type.Integer(),
  holdoutCount: Type.Integer(),
  lastTrainedAt: IsoDateTime,
  ...Calibration,
});

export const VersionSchema = Type.Object({
  version: Type.Integer(),
  active: Type.Boolean(),
  accuracy: Nullable(Type.Number()),
  auc: Nullable(Type.Number()),
  trainingDataCount: Type.Integer(),
  holdoutCount: Type.Integer(),
  trainedAt: IsoDateTime,
  activationReason: Nullable(Type.String()),
  ...Calibration,
});

export const StatusSchema = Type.Object({
  state: Type.Union([Type.Literal('untrained'), Type.Literal('insufficient-data'), Type.Literal('trained')]),
  won: Type.Integer(),
  lost: Type.Integer(),
  requiredPerClass: Type.Integer(),
  activeVersion: Nullable(Type.Integer()),
  scope: Nullable(ScopeSchema),
  lastRun: Nullable(Type.Object({ at: IsoDateTime, outcome: Type.Enum(RUN_OUTCOMES), reason: Type.String() })),
  nextRunAt: Nullable(IsoDateTime),
});

export const RunResultSchema = Type.Object({
  outcome: Type.Enum(RUN_OUTCOMES),
  reason: Type.String(),
  version: Nullable(Type.Integer()),
  activated: Type.Boolean(),
  accuracy: Nullable(Type.Number()),
  auc: Nullable(Type.Number()),
  trainingDataCount: Nullable(Type.Integer()),
  won: Nullable(Type.Integer()),
  lost: Nullable(Type.Integer()),
});

export const Started = Type.Object({ workflowId: Type.String() });

type QualityRow = Pick<
  ILeadScoringModel,
  'accuracy' | 'auc' | 'trainingDataCount' | 'holdoutCount' | 'brierScore' | 'logLoss' | 'bandWinRates'
>;
type VersionRow = QualityRow & Pick<ILeadScoringModel, 'version' | 'active' | 'trainedAt' | 'activationReason'>;

/** How good a version is on its holdout, and how much data it learnt from: shown for the model and each version. */
const qualityOf = (m: QualityRow) => ({
  accuracy: m.accuracy ?? null,
  auc: m.auc ?? null,
  trainingDataCount: m.trainingDataCount,
  holdoutCount: m.holdoutCount,
  brierScore: m.brierScore ?? null,
  logLoss: m.logLoss ?? null,
  bandWinRates: m.bandWinRates ?? null,
});

export function toModelDto(m: ILeadScoringModel) {
  return {
    version: m.version,
    scope: m.scope,
    factors: m.factors,
    lastTrainedAt: m.trainedAt.toISOString(),
    ...qualityOf(m),
  };
}

export function toVersionDto(m: VersionRow) {
  return {
    version: m.version,
    active: m.active,
    trainedAt: m.trainedAt.toISOString(),
    activationReason: m.activationReason ?? null,
    ...qualityOf(m),
  };
}

/** The fields a version listing reads: everything but the (long) lead id arrays and the weights. */
export const VERSION_FIELDS = [
  'id',
  'version',
  'active',
  'accuracy',
  'auc',
  'trainingDataCount',
  'holdoutCount',
  'trainedAt',
  'activationReason',
  'brierScore',
  'logLoss',
  'bandWinRates',
] as const;
