// The compact logistic regression against facts that hold for the true optimum, not against itself.
import t from 'tap';
import {
  accuracy,
  fitLogisticRegression,
  fitStandardizer,
  predictProbability,
  rocAuc,
  sigmoid,
  solveSpd,
  standardize,
} from '../../src/domain/scoring/logistic-regression.js';
import { random } from '../support/random.js';

function gaussian(rand: () => number) {
  return Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function synthetic(n: number, weights: number[], intercept: number, seed: number) {
  const rand = random(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = weights.map(() => gaussian(rand));
    const p = sigmoid(intercept + row.reduce((z, x, j) => z + x * weights[j]!, 0));
    rows.push(row);
    labels.push(rand() < p ? 1 : 0);
  }
  return { rows, labels };
}

t.test('sigmoid is exact at 0 and finite at the extremes', async (t) => {
  t.equal(sigmoid(0), 0.5);
  t.equal(sigmoid(1000), 1);
  t.equal(sigmoid(-1000), 0);
  t.ok(Math.abs(sigmoid(2) + sigmoid(-2) - 1) < 1e-15);
});

t.test('solveSpd solves a symmetric positive-definite system and rejects an indefinite one', async (t) => {
  const x = solveSpd(
    [
      [4, 2, 0],
      [2, 5, 1],
      [0, 1, 3],
    ],
    [2, 1, 4],
  )!;
  const back = [4 * x[0]! + 2 * x[1]!, 2 * x[0]! + 5 * x[1]! + x[2]!, x[1]! + 3 * x[2]!];
  t.ok(
    back.every((v, i) => Math.abs(v - [2, 1, 4][i]!) < 1e-12),
    `A·x = b (${back})`,
  );
  t.equal(
    solveSpd(
      [
        [1, 2],
        [2, 1],
      ],
      [1, 1],
    ),
    null,
  );
});

t.test('recovers the generating weights on plenty of data', async (t) => {
  const truth = [1.5, -2, 0];
  const { rows, labels } = synthetic(5000, truth, -0.5, 7);
  const fit = fitLogisticRegression(rows, labels, { l2: 1e-3 });
  t.ok(fit.converged, `converged in ${fit.iterations} iterations`);
  t.ok(fit.iterations < 15, 'Newton converges in a handful of steps');
  for (const [j, w] of fit.weights.entries()) {
    t.ok(Math.abs(w - truth[j]!) < 0.15, `weight ${j}: ${w.toFixed(3)} ≈ ${truth[j]}`);
  }
  t.ok(Math.abs(fit.intercept + 0.5) < 0.15, `intercept ${fit.intercept.toFixed(3)} ≈ -0.5`);
});

t.test('the fit is the penalized optimum: its gradient vanishes', async (t) => {
  const { rows, labels } = synthetic(300, [0.8, -0.4, 1.2, 0.1], 0.3, 11);
  const l2 = 2;
  const fit = fitLogisticRegression(rows, labels, { l2 });
  const gradient = new Array(5).fill(0);
  rows.forEach((row, i) => {
    const residual = predictProbability(fit, row) - labels[i]!;
    gradient[0] += residual;
    for (const [j, x] of row.entries()) gradient[j + 1] += residual * x;
  });
  for (const [j, w] of fit.weights.entries()) gradient[j + 1] += l2 * w;
  t.ok(
    gradient.every((g) => Math.abs(g) < 1e-6),
    `‖∇‖∞ = ${Math.max(...gradient.map(Math.abs)).toExponential(2)}`,
  );
});

t.test(
  'with an uninformative feature the intercept is the log-odds of the base rate (it is not penalized)',
  async (t) => {
    const labels = [1, 1, 1, 0];
    const fit = fitLogisticRegression(
      labels.map(() => [0]),
      labels,
      { l2: 10 },
    );
    t.ok(Math.abs(fit.intercept - Math.log(3)) < 1e-9, `intercept ${fit.intercept} = log(3)`);
    t.equal(fit.weights[0], 0);
  },
);

t.test('perfectly separable data stays finite under the penalty', async (t) => {
  const rows = [[-2], [-1], [1], [2]];
  const fit = fitLogisticRegression(rows, [0, 0, 1, 1]);
  t.ok(fit.converged);
  t.ok(Number.isFinite(fit.weights[0]!) && fit.weights[0]! > 0 && fit.weights[0]! < 10, `weight ${fit.weights[0]}`);
});

t.test('deterministic: the same data gives bit-identical parameters', async (t) => {
  const { rows, labels } = synthetic(400, [1, -1, 0.5], 0, 3);
  t.same(
    fitLogisticRegression(rows, labels),
    fitLogisticRegression(
      rows.map((r) => [...r]),
      [...labels],
    ),
  );
});

t.test('rejects mismatched input', async (t) => {
  t.throws(() => fitLogisticRegression([], []));
  t.throws(() => fitLogisticRegression([[1]], [1, 0]));
});

t.test('standardization: zero mean, unit variance, constant columns stay at 0', async (t) => {
  const rows = [
    [1, 5],
    [2, 5],
    [3, 5],
  ];
  const s = fitStandardizer(rows);
  t.same(s.means, [2, 5]);
  t.ok(Math.abs(s.stds[0]! - Math.sqrt(2 / 3)) < 1e-12);
  t.equal(s.stds[1], 1);
  t.same(
    rows.map((r) => standardize(r, s)[1]),
    [0, 0, 0],
  );
});

t.test('rocAuc is the rank statistic (ties count half)', async (t) => {
  t.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75, 'the textbook example');
  t.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  t.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  t.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  t.equal(rocAuc([0.2, 0.5, 0.5, 0.9], [0, 0, 1, 1]), 0.875, 'one tied pair counts half');
  t.equal(rocAuc([0.2, 0.3], [1, 1]), null, 'undefined with one class');
});

t.test('accuracy thresholds at 0.5', async (t) => {
  t.equal(accuracy([0.9, 0.6, 0.4, 0.2], [1, 0, 0, 0]), 0.75);
  t.equal(accuracy([0.5], [1]), 1, '0.5 counts as won');
  t.equal(accuracy([], []), null);
});
