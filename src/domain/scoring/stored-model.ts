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

const named = (values: number[]) => Object.fromEntries(FEATURE_NAMES.map((name, j) => [name, values[j]!]));

export function toStoredParameters(fit: FitResult, standardizer: Standardizer): StoredParameters {
  return { factors: named(fit.weights), intercept: fit.intercept, featureMeans: named(standardizer.means), featureStds: named(standardizer.stds) };
}

/** The model's probability (0..1) that a lead with these features is won. */
export function probabilityWith(model: StoredParameters, features: Features): number {
  let z = model.intercept;
  for (const [name, weight] of Object.entries(model.factors)) {
    const value = features[name as keyof Features];
    if (value === undefined || !Number.isFinite(weight)) continue;
    const std = model.featureStds[name] || 1;
    z += (weight * (value - (model.featureMeans[name] ?? 0))) / std;
  }
  return sigmoid(z);
}
