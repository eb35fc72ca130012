// Between the fitted arrays and the stored, named model: weights are keyed by feature name so a model
// trained on an older feature list still scores (a feature it does not know weighs nothing).
import { FEATURE_NAMES, type Features } from './features.js';
import { sigmoid, type FitResult, type Standardizer } from './logistic-regression.js';

export interface StoredParameters {
  factors: Record<string, number>;
  intercept: number;
  featureMeans: Record<string, number>;
  featureStds: Record<string, number>;
}

interface Contribution {
  feature: string;
  /** The lead's raw feature value. */
  value: number;
  /** weight × standardized value: what this feature adds to the log-odds. */
  contribution: number;
}

export interface Explained {
  score: number;
  intercept: number;
  /** Largest |contribution| first. */
  contributions: Contribution[];
}

const named = (values: number[]) => Object.fromEntries(FEATURE_NAMES.map((name, j) => [name, values[j]!]));

export function toStoredParameters(fit: FitResult, standardizer: Standardizer): StoredParameters {
  return {
    factors: named(fit.weights),
    intercept: fit.intercept,
    featureMeans: named(standardizer.means),
    featureStds: named(standardizer.stds),
  };
}

/**
 * The score and its exact decomposition: a linear model's log-odds are the intercept plus one term per
 * feature, so intercept + Σ contribution = logit(score). The score is computed from these very terms.
 */
export function explainWith(model: StoredParameters, features: Features): Explained {
  const contributions: Contribution[] = [];
  let z = model.intercept;
  for (const [name, weight] of Object.entries(model.factors)) {
    const value = features[name as keyof Features];
    if (value === undefined || !Number.isFinite(weight)) continue;
    const std = model.featureStds[name] || 1;
    const contribution = (weight * (value - (model.featureMeans[name] ?? 0))) / std;
    z += contribution;
    contributions.push({ feature: name, value, contribution });
  }
  contributions.sort(
    (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature),
  );
  return { score: sigmoid(z), intercept: model.intercept, contributions };
}

/** The model's probability (0..1) that a lead with these features is won. */
export function probabilityWith(model: StoredParameters, features: Features): number {
  return explainWith(model, features).score;
}
