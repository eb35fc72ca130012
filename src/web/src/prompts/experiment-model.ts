// An experiment as the API gives it, and its numbers in words: AUC as "ranks won deals above lost ones N % of the time",
// the interval in percentage points, and the verdict as a sentence a sales manager can act on.
import { api, unwrap } from '../api/client';

/** A prompt's experiments, newest first. */
export const fetchExperiments = (promptId: string) =>
  unwrap(api.GET('/api/prompts/{id}/experiments', { params: { path: { id: promptId } } }));

export type Experiment = Awaited<ReturnType<typeof fetchExperiments>>[number];
export type ExperimentResults = NonNullable<Experiment['results']>;
export type ExperimentArm = ExperimentResults['baseline'];

/** The 95 % interval of the AUC difference, when the bootstrap gave one. */
export function intervalOf(results: ExperimentResults): [number, number] | null {
  const ci95 = results.aucDifference.ci95;
  return ci95 && ci95.length === 2 ? [ci95[0]!, ci95[1]!] : null;
}

/** A no-break space keeps a number and its unit on one line. */
const NBSP = '\u00a0';

export const versionName = (version: number, role?: 'baseline' | 'candidate') =>
  role ? `v${version} (${role})` : `v${version}`;

/** 0.713 → "71 %"; null → "—". */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return `${Math.round(share * 100)}${NBSP}%`;
}

/**
 * An AUC difference in signed percentage points: 0.04 → "+4", −0.12 → "−12". Small non-zero values keep a
 * decimal, so an interval that lies just above zero never reads "+0".
 */
export function points(difference: number | null | undefined): string {
  if (difference === null || difference === undefined) return '—';
  const raw = difference * 100;
  const rounded = Math.round(raw);
  const shown = rounded === 0 && raw !== 0 ? Math.round(raw * 10) / 10 : rounded;
  if (shown > 0) return `+${shown}`;
  if (shown < 0) return `−${Math.abs(shown)}`;
  return '0';
}

/** US dollars with two significant digits, as small per-call costs need: $0.00042. */
export function dollars(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (value === 0) return '$0';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 }).format(
    value,
  );
}

/** The verdict in words: who predicts which deals close better, by how much, and whether it could be chance. */
export function verdictSentence(results: ExperimentResults, baseline: number, candidate: number): string {
  const b = `version ${baseline}`;
  const c = `version ${candidate}`;
  const aucB = percent(results.baseline.auc);
  const aucC = percent(results.candidate.auc);
  const ci95 = intervalOf(results);
  const interval = ci95 ? `95${NBSP}% interval ${points(ci95[0])} to ${points(ci95[1])} points` : null;
  if (results.baseline.auc === null || results.candidate.auc === null || !interval)
    return (
      `These leads could not tell ${c} and ${b} apart: the sample was too small or too one-sided to measure ` +
      'how well either predicts which deals close. More leads would tell.'
    );
  if (results.verdict === 'candidate-better')
    return (
      `Version ${candidate} predicts which deals close better than ${b}: its extractions rank won deals above ` +
      `lost ones ${aucC} of the time against ${aucB}, and the gain is larger than chance (${interval}).`
    );
  if (results.verdict === 'baseline-better')
    return (
      `Version ${candidate} predicts which deals close worse than ${b}: its extractions rank won deals above ` +
      `lost ones ${aucC} of the time against ${aucB}, and the loss is larger than chance (${interval}). ` +
      `Keep ${b}.`
    );
  return (
    `No clear winner: ${c}'s extractions rank won deals above lost ones ${aucC} of the time against ${aucB} ` +
    `for ${b}, but a difference this small could be chance (${interval}). More leads would tell.`
  );
}

/** One line for a notification when an experiment finishes. */
export function verdictHeadline(results: ExperimentResults, baseline: number, candidate: number): string {
  if (results.verdict === 'candidate-better')
    return `version ${candidate} predicts outcomes better than version ${baseline}`;
  if (results.verdict === 'baseline-better')
    return `version ${candidate} predicts outcomes worse than version ${baseline}`;
  return 'no clear winner: more leads would tell';
}
