// The statistics of a prompt experiment, checked against values computed independently: AUC by counting every
// (positive, negative) pair, quantiles as numpy computes them by default, and planted signals the right arm
// must find.
import t from 'tap';
import {
  evaluateExperiment,
  outOfFoldProbabilities,
  pairedBootstrapAucDifference,
  quantile,
  seededRandom,
  stratifiedFolds,
  verdictOf,
} from '../../src/domain/scoring/experiment-evaluation.js';
import { rocAuc } from '../../src/domain/scoring/logistic-regression.js';

/** AUC by brute force: every (positive, negative) pair, ties half. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++)
    for (let j = 0; j < scores.length; j++)
      if (labels[i] === 1 && labels[j] === 0) {
        pairs++;
        wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
  return wins / pairs;
}

/** Leads whose outcome a feature predicts with `signal` strength (0: pure noise). */
function plantedData(n: number, signal: number, seed: number) {
  const random = seededRandom(seed);
  const labels = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const rows = labels.map((y) => [signal * (y - 0.5) + random() - 0.5, random(), random()]);
  return { labels, rows };
}

t.test('AUC equals the pairwise count, ties included (scikit-learn: 0.75 on its documented example)', async (t) => {
  t.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  const random = seededRandom(7);
  const scores = Array.from({ length: 200 }, () => Math.round(random() * 20) / 20);
  const labels = scores.map((s) => (random() < s ? 1 : 0));
  t.ok(Math.abs(rocAuc(scores, labels)! - pairwiseAuc(scores, labels)) < 1e-12);
});

t.test('quantiles interpolate linearly like numpy', async (t) => {
  t.equal(quantile([1, 2, 3, 4], 0.025), 1.075);
  t.ok(Math.abs(quantile([1, 2, 3, 4], 0.975) - 3.925) < 1e-12);
  t.equal(quantile([5], 0.5), 5);
});

t.test('stratified folds: deterministic, every fold has both classes in proportion', async (t) => {
  const labels = Array.from({ length: 103 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const folds = stratifiedFolds(labels);
  t.same(stratifiedFolds(labels), folds, 'the same split every time');
  for (let fold = 0; fold < 5; fold++) {
    const members = labels.filter((_, i) => folds[i] === fold);
    const won = members.filter((y) => y === 1).length;
    t.ok(won >= 6 && won <= 7, `fold ${fold} has its share of WON (${won})`);
    t.ok(members.length >= 20 && members.length <= 21, `fold ${fold} size ${members.length}`);
  }
});

t.test('out-of-fold probabilities never score a lead with a model that saw it', async (t) => {
  // Every lead gets a probability from the model of the other four folds.
  const { rows, labels } = plantedData(100, 3, 11);
  const probabilities = outOfFoldProbabilities(rows, labels, stratifiedFolds(labels));
  t.equal(probabilities.length, 100);
  t.ok(probabilities.every((p) => p > 0 && p < 1));
  t.ok(rocAuc(probabilities, labels)! > 0.8, 'a strong planted signal is found out of fold');
});

t.test('a planted signal wins, noise loses, identical arms are inconclusive', async (t) => {
  const signal = plantedData(400, 2.5, 3);
  const noise = plantedData(400, 0, 5);
  const found = evaluateExperiment(noise.rows, signal.rows, signal.labels);
  t.equal(found.verdict, 'candidate-better');
  t.ok(found.aucDifference.ci95![0] > 0, 'the interval lies above 0');
  t.ok(found.candidate.auc! > found.baseline.auc!);
  t.ok(Math.abs(found.aucDifference.value! - (found.candidate.auc! - found.baseline.auc!)) < 1e-12);

  const lost = evaluateExperiment(signal.rows, noise.rows, signal.labels);
  t.equal(lost.verdict, 'baseline-better');

  const same = evaluateExperiment(signal.rows, signal.rows, signal.labels);
  t.same(same.aucDifference.ci95, [0, 0]);
  t.equal(same.verdict, 'inconclusive');
  t.same(evaluateExperiment(noise.rows, signal.rows, signal.labels), found, 'deterministic');
});

t.test('the bootstrap interval covers the observed difference and is reproducible', async (t) => {
  const { rows, labels } = plantedData(300, 1, 9);
  const a = outOfFoldProbabilities(rows, labels, stratifiedFolds(labels));
  const b = a.map((p, i) => (i % 7 === 0 ? 1 - p : p));
  const ci = pairedBootstrapAucDifference(a, b, labels)!;
  const observed = rocAuc(b, labels)! - rocAuc(a, labels)!;
  t.ok(ci[0] <= observed && observed <= ci[1], `${ci} covers ${observed}`);
  t.same(pairedBootstrapAucDifference(a, b, labels), ci);
  t.equal(verdictOf(null), 'inconclusive');
  t.equal(verdictOf([-0.2, -0.01]), 'baseline-better');
});
