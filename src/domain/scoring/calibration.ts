// Score bands and the holdout figures that make a probability readable: Brier score, log-loss, and how
// often the leads of each band were actually won.
import type { BandWinRates } from './lead-scoring-model.entity.js';

export type Band = 'A' | 'B' | 'C' | 'D';

/** A ≥ 0.75 > B ≥ 0.5 > C ≥ 0.25 > D. */
export function bandOf(score: number): Band {
  return score >= 0.75 ? 'A' : score >= 0.5 ? 'B' : score >= 0.25 ? 'C' : 'D';
}

/** Mean squared difference between probability and outcome (0 is perfect, 0.25 is a coin). */
export function brierScore(probabilities: number[], labels: number[]): number | null {
  if (probabilities.length === 0) return null;
  return probabilities.reduce((sum, p, i) => sum + (p - labels[i]!) ** 2, 0) / probabilities.length;
}

/** Mean negative log-likelihood; probabilities are clipped so one certain mistake stays finite. */
export function logLoss(probabilities: number[], labels: number[]): number | null {
  if (probabilities.length === 0) return null;
  const eps = 1e-15;
  let sum = 0;
  for (const [i, raw] of probabilities.entries()) {
    const p = Math.min(1 - eps, Math.max(eps, raw));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / probabilities.length;
}

export function bandWinRates(probabilities: number[], labels: number[]): BandWinRates {
  const empty = () => ({ leads: 0, won: 0, winRate: null as number | null });
  const rates: BandWinRates = { A: empty(), B: empty(), C: empty(), D: empty() };
  for (const [i, p] of probabilities.entries()) {
    const band = rates[bandOf(p)];
    band.leads++;
    if (labels[i] === 1) band.won++;
  }
  for (const band of Object.values(rates)) band.winRate = band.leads > 0 ? band.won / band.leads : null;
  return rates;
}
