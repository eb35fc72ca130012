// L2-regularised logistic regression fitted by Newton's method (IRLS), with standardization and the
// two metrics the champion/challenger rule needs (accuracy, rank-based ROC AUC).
//
// Why compact rather than a library: a user's model has about a dozen features and a few hundred leads,
// so Newton converges in under ten iterations of (d+1)² work and the whole fit is ~100 lines. The npm
// options are either unmaintained, float32/GPU oriented (tfjs) or pull in a general linear-algebra stack
// for a 12×12 solve; none is deterministic across versions. Here every step is plain float64 arithmetic in a
// fixed order: the same data always gives bit-identical weights. The objective is scikit-learn's
// (penalty='l2', C = 1/l2, unpenalized intercept), so `npm run bench:retrain` can compare them.

export interface Standardizer {
  means: number[];
  stds: number[];
}

export interface LogisticModel {
  weights: number[];
  intercept: number;
}

export interface FitOptions {
  /** Strength of the L2 penalty on the weights (not the intercept); 1 equals scikit-learn's C=1. */
  l2?: number;
  maxIterations?: number;
  /** Stop when no parameter moves by more than this. */
  tolerance?: number;
}

export interface FitResult extends LogisticModel {
  iterations: number;
  converged: boolean;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Per-column mean and (population) standard deviation; a constant column gets std 1 so it stays 0. */
export function fitStandardizer(rows: number[][]): Standardizer {
  const d = rows[0]?.length ?? 0;
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) means[j]! += row[j]! / rows.length;
  for (const row of rows) for (let j = 0; j < d; j++) stds[j]! += (row[j]! - means[j]!) ** 2 / rows.length;
  return { means, stds: stds.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

export function standardize(row: number[], s: Standardizer): number[] {
  return row.map((v, j) => (v - s.means[j]!) / s.stds[j]!);
}

export function predictProbability(model: LogisticModel, row: number[]): number {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * row[j]!;
  return sigmoid(z);
}

/** log(1 + e^z) without overflow. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

function objective(rows: number[][], labels: number[], beta: number[], l2: number): number {
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    const z = linear(rows[i]!, beta);
    loss += softplus(z) - labels[i]! * z;
  }
  for (let j = 1; j < beta.length; j++) loss += (l2 / 2) * beta[j]! ** 2;
  return loss;
}

/** beta[0] is the intercept, beta[1..] the weights. */
function linear(row: number[], beta: number[]): number {
  let z = beta[0]!;
  for (let j = 0; j < row.length; j++) z += beta[j + 1]! * row[j]!;
  return z;
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky); null when A is not. */
export function solveSpd(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i]![i] = Math.sqrt(sum);
      } else {
        l[i]![j] = sum / l[j]![j]!;
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/**
 * Minimises Σ logloss + l2/2·‖w‖² with damped Newton steps (step halving keeps every step a descent,
 * so separable data cannot make it diverge; the penalty keeps the optimum finite).
 */
export function fitLogisticRegression(rows: number[][], labels: number[], options: FitOptions = {}): FitResult {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-8;
  if (rows.length === 0 || rows.length !== labels.length)
    throw new Error('fitLogisticRegression needs as many labels as rows, and at least one');
  const d = rows[0]!.length;
  let beta = new Array<number>(d + 1).fill(0);
  let current = objective(rows, labels, beta, l2);

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < rows.length; i++) {
      const x = [1, ...rows[i]!];
      const p = sigmoid(linear(rows[i]!, beta));
      const w = p * (1 - p);
      for (let j = 0; j <= d; j++) {
        gradient[j]! += (p - labels[i]!) * x[j]!;
        for (let k = 0; k <= j; k++) hessian[j]![k]! += w * x[j]! * x[k]!;
      }
    }
    for (let j = 0; j <= d; j++) {
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
      if (j > 0) {
        gradient[j]! += l2 * beta[j]!;
        hessian[j]![j]! += l2;
      }
      hessian[j]![j]! += 1e-10; // keeps the intercept's pivot positive when every prediction saturates
    }
    const step = solveSpd(hessian, gradient);
    if (!step) return { intercept: beta[0]!, weights: beta.slice(1), iterations: iteration, converged: false };

    let scale = 1;
    let next = beta.map((b, j) => b - step[j]!);
    let value = objective(rows, labels, next, l2);
    while (value > current && scale > 1e-6) {
      scale /= 2;
      next = beta.map((b, j) => b - scale * step[j]!);
      value = objective(rows, labels, next, l2);
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * scale)));
    beta = next;
    current = value;
    if (moved < tolerance)
      return { intercept: beta[0]!, weights: beta.slice(1), iterations: iteration, converged: true };
  }
  return { intercept: beta[0]!, weights: beta.slice(1), iterations: maxIterations, converged: false };
}

/**
 * ROC AUC as the Mann-Whitney statistic: the probability that a random positive scores above a random
 * negative, ties counting half (average ranks). Null when either class is absent.
 */
export function rocAuc(scores: number[], labels: number[]): number | null {
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if (labels[order[k]!] === 1) positiveRankSum += averageRank;
    start = end + 1;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Share of predictions on the right side of `threshold`; null for no data. */
export function accuracy(scores: number[], labels: number[], threshold = 0.5): number | null {
  if (scores.length === 0) return null;
  let right = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i]! >= threshold ? 1 : 0) === labels[i]) right++;
  return right / scores.length;
}

/** Fits on standardized rows: what scoring stores is the standardizer and the model fitted after it. */
export function fitStandardized(rows: number[][], labels: number[], options: FitOptions = {}) {
  const standardizer = fitStandardizer(rows);
  const fit = fitLogisticRegression(
    rows.map((row) => standardize(row, standardizer)),
    labels,
    options,
  );
  const probability = (row: number[]) => predictProbability(fit, standardize(row, standardizer));
  return { standardizer, fit, probability };
}
