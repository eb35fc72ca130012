// How a prompt experiment is judged: each arm's lead features train and test the same logistic regression on
// the same stratified folds (out-of-fold probabilities for every lead), each arm's cross-validated AUC is the
// AUC of those probabilities, and a paired bootstrap over leads (both arms resampled with the same draws) gives
// the 95 % interval of the difference, candidate minus baseline. Deterministic: fixed seeds, plain float64.
import { fitStandardized, rocAuc } from './logistic-regression.js';

export type Verdict = 'candidate-better' | 'baseline-better' | 'inconclusive';

interface ArmEvaluation {
  auc: number | null;
  /** Out-of-fold probability of WON for each lead, in input order. */
  probabilities: number[];
}

export interface ExperimentEvaluation {
  baseline: ArmEvaluation;
  candidate: ArmEvaluation;
  aucDifference: { value: number | null; ci95: [number, number] | null };
  verdict: Verdict;
}

const FOLDS = 5;
const BOOTSTRAP_RESAMPLES = 1000;
const FOLD_SEED = 0x5eed_f01d;
const BOOTSTRAP_SEED = 0xb007_57a9;

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same stream on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Fold of each lead (0…k-1): each class is shuffled with a fixed seed and dealt round-robin, so every fold has
 * about the same share of WON and LOST leads.
 */
export function stratifiedFolds(labels: readonly number[], k = FOLDS, seed = FOLD_SEED): number[] {
  const random = seededRandom(seed);
  const folds = new Array<number>(labels.length).fill(0);
  for (const label of [0, 1]) {
    const members = labels.flatMap((y, i) => (y === label ? [i] : []));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    members.forEach((index, position) => {
      folds[index] = position % k;
    });
  }
  return folds;
}

/** Out-of-fold probabilities: each fold is scored by a model fitted on the other folds. */
export function outOfFoldProbabilities(rows: number[][], labels: number[], folds: number[], k = FOLDS): number[] {
  const probabilities = new Array<number>(rows.length).fill(0.5);
  for (let fold = 0; fold < k; fold++) {
    const train = rows.flatMap((_, i) => (folds[i] === fold ? [] : [i]));
    const test = rows.flatMap((_, i) => (folds[i] === fold ? [i] : []));
    if (test.length === 0) continue;
    const trainLabels = train.map((i) => labels[i]!);
    // A fold whose training part lacks a class cannot learn an order: its leads keep the neutral 0.5.
    if (!trainLabels.includes(0) || !trainLabels.includes(1)) continue;
    const { probability } = fitStandardized(
      train.map((i) => rows[i]!),
      trainLabels,
    );
    for (const i of test) probabilities[i] = probability(rows[i]!);
  }
  return probabilities;
}

/** The q-quantile with linear interpolation between order statistics (numpy's default method). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/**
 * AUC of a resample given as how many times each lead was drawn (`weights`), from the leads already sorted by
 * score (`order`): the Mann–Whitney count of (won, lost) pairs ranked right, ties counting a half. The same value
 * as rocAuc on the drawn leads (both count exact halves), without sorting every resample again.
 */
function resampleAuc(
  order: readonly number[],
  scores: readonly number[],
  labels: readonly number[],
  weights: ArrayLike<number>,
): number | null {
  let positives = 0;
  let negatives = 0;
  let pairs = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    let tiedPositives = 0;
    let tiedNegatives = 0;
    while (end < order.length && scores[order[end]!] === scores[order[start]!]) {
      const lead = order[end++]!;
      if (labels[lead] === 1) tiedPositives += weights[lead]!;
      else tiedNegatives += weights[lead]!;
    }
    pairs += tiedPositives * (negatives + tiedNegatives / 2);
    positives += tiedPositives;
    negatives += tiedNegatives;
    start = end;
  }
  if (positives === 0 || negatives === 0) return null;
  return pairs / (positives * negatives);
}

/**
 * Paired bootstrap of AUC(candidate) − AUC(baseline): each resample draws leads with replacement and scores both
 * arms on the same draw. Resamples with a single class have no AUC and are skipped.
 */
export function pairedBootstrapAucDifference(
  baseline: readonly number[],
  candidate: readonly number[],
  labels: readonly number[],
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): [number, number] | null {
  const random = seededRandom(seed);
  const n = labels.length;
  const differences: number[] = [];
  // Each arm is sorted once; a resample only counts how often it drew each lead (2,000 leads: well under a second).
  const byScore = (scores: readonly number[]) =>
    Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const baselineOrder = byScore(baseline);
  const candidateOrder = byScore(candidate);
  const weights = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let i = 0; i < n; i++) weights[Math.floor(random() * n)]! += 1;
    const aucB = resampleAuc(baselineOrder, baseline, labels, weights);
    const aucC = resampleAuc(candidateOrder, candidate, labels, weights);
    if (aucB !== null && aucC !== null) differences.push(aucC - aucB);
  }
  if (differences.length === 0) return null;
  differences.sort((p, q) => p - q);
  return [quantile(differences, 0.025), quantile(differences, 0.975)];
}

export function verdictOf(ci95: [number, number] | null): Verdict {
  if (!ci95) return 'inconclusive';
  if (ci95[0] > 0) return 'candidate-better';
  if (ci95[1] < 0) return 'baseline-better';
  return 'inconclusive';
}

/** Both arms' feature rows (same leads, same order) and the leads' outcomes (1 WON, 0 LOST). */
export function evaluateExperiment(
  baselineRows: number[][],
  candidateRows: number[][],
  labels: number[],
): ExperimentEvaluation {
  const folds = stratifiedFolds(labels);
  const baseline = outOfFoldProbabilities(baselineRows, labels, folds);
  const candidate = outOfFoldProbabilities(candidateRows, labels, folds);
  const aucB = rocAuc(baseline, labels);
  const aucC = rocAuc(candidate, labels);
  const ci95 = pairedBootstrapAucDifference(baseline, candidate, labels);
  return {
    baseline: { auc: aucB, probabilities: baseline },
    candidate: { auc: aucC, probabilities: candidate },
    aucDifference: { value: aucB === null || aucC === null ? null : aucC - aucB, ci95 },
    verdict: verdictOf(ci95),
  };
}
