// An experiment's results from its items: each arm's lead features built by the scoring code, the evaluation
// (cross-validated AUCs, paired bootstrap, verdict), each arm's rates, tokens, cost and latency, and the field
// agreement between the arms. Pure: the evaluation activity and the demo generator both call it.
import { evaluateExperiment } from '../scoring/experiment-evaluation.js';
import { featureRow, leadFeatures, summarizeCalls, type CallRow } from '../scoring/features.js';
import type { PromptKind } from '../prompts/prompt-ref.js';
import type { ExperimentResults } from './experiment.entity.js';
import { costUsd, type PriceTable } from './prices.js';

type Arm = 'baseline' | 'candidate';

export interface ResultItem {
  arm: Arm;
  kind: PromptKind;
  callId?: string | null | undefined;
  leadId: string;
  status: string;
  reused?: boolean | null | undefined;
  valid?: boolean | null | undefined;
  analysis?: Record<string, unknown> | null | undefined;
  model?: string | null | undefined;
  inputTokens?: number | null | undefined;
  outputTokens?: number | null | undefined;
  latencyMs?: number | null | undefined;
}

export interface ResultLead {
  id: string;
  won: boolean;
  calls: CallRow[];
}

const median = (values: number[]) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function experimentResults(input: {
  /** The kind of the prompt under test: its items are the ones measured. */
  kind: PromptKind;
  items: readonly ResultItem[];
  leads: readonly ResultLead[];
  /** Top-level fields both versions' schemas have. */
  sharedFields: readonly string[];
  prices: PriceTable;
  tier: 'flex' | 'default';
}): ExperimentResults {
  // Leads in id order: the folds, and so the evaluation, do not depend on how they were loaded.
  const leads = [...input.leads].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const complete = new Map(
    input.items.filter((item) => item.kind === 'complete').map((item) => [`${item.arm}:${item.leadId}`, item]),
  );
  const rowsOf = (arm: Arm) =>
    leads.map((lead) =>
      featureRow(leadFeatures(complete.get(`${arm}:${lead.id}`)?.analysis ?? null, summarizeCalls(lead.calls))),
    );
  const labels = leads.map((lead) => (lead.won ? 1 : 0));
  const evaluation = evaluateExperiment(rowsOf('baseline'), rowsOf('candidate'), labels);

  const measured = input.items.filter((item) => item.kind === input.kind);
  const armMetrics = (arm: Arm) => {
    const own = measured.filter((item) => item.arm === arm);
    const answered = own.filter((item) => item.valid !== null && item.valid !== undefined);
    // What the experiment spent: requests it made (a reused stored analysis cost nothing).
    const requested = input.items.filter((item) => item.arm === arm && !item.reused && item.model);
    let cost: number | null = 0;
    for (const item of requested) {
      const c = costUsd(input.prices, item.model!, input.tier, item.inputTokens ?? 0, item.outputTokens ?? 0);
      cost = c === null || cost === null ? null : cost + c;
    }
    return {
      schemaValidRate: answered.length ? answered.filter((item) => item.valid).length / answered.length : null,
      failureRate: own.length ? own.filter((item) => item.status === 'failed').length / own.length : null,
      inputTokens: requested.reduce((sum, item) => sum + (item.inputTokens ?? 0), 0),
      outputTokens: requested.reduce((sum, item) => sum + (item.outputTokens ?? 0), 0),
      costUsd: cost === null ? null : Math.round(cost * 1e6) / 1e6,
      p50LatencyMs: median(requested.map((item) => item.latencyMs ?? 0)),
    };
  };

  const pairs = new Map<string, Partial<Record<Arm, Record<string, unknown>>>>();
  for (const item of measured) {
    if (item.status !== 'done' || !item.analysis) continue;
    const key = item.callId ?? item.leadId;
    pairs.set(key, { ...pairs.get(key), [item.arm]: item.analysis });
  }
  const both = [...pairs.values()].filter((pair) => pair.baseline && pair.candidate);
  const agreement: Record<string, number> = {};
  for (const field of input.sharedFields) {
    if (!both.length) continue;
    const same = both.filter(
      (pair) => JSON.stringify(pair.baseline![field]) === JSON.stringify(pair.candidate![field]),
    );
    agreement[field] = same.length / both.length;
  }

  return {
    leads: leads.length,
    won: labels.filter((y) => y === 1).length,
    lost: labels.filter((y) => y === 0).length,
    baseline: { auc: evaluation.baseline.auc, ...armMetrics('baseline') },
    candidate: { auc: evaluation.candidate.auc, ...armMetrics('candidate') },
    aucDifference: evaluation.aucDifference,
    agreement,
    verdict: evaluation.verdict,
  };
}
