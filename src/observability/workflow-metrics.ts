// Workflow side of the pipeline's metrics. Workflows cannot touch prom-client (sandbox, replays), so they
// report through a Temporal sink: the worker runs the sink functions outside the sandbox, once per real
// execution (never during replay). See worker-sinks.ts for the receiving end.
import { proxySinks, type Sinks } from '@temporalio/workflow';

export type PromptSource = 'user' | 'organization' | 'system';

export interface MetricsSinks extends Sinks {
  callsenseMetrics: {
    analysis(outcome: 'analyzed' | 'failed', promptSource: PromptSource | 'none'): void;
    fold(outcome: 'folded' | 'failed', seconds: number): void;
  };
}

const { callsenseMetrics } = proxySinks<MetricsSinks>();

/** A call analysis ended (stored or failed for good). */
export function recordAnalysis(outcome: 'analyzed' | 'failed', promptSource: PromptSource | 'none'): void {
  callsenseMetrics.analysis(outcome, promptSource);
}

/** A fold of new call analyses into the complete analysis ended, after `seconds` (workflow time). */
export function recordFold(outcome: 'folded' | 'failed', seconds: number): void {
  callsenseMetrics.fold(outcome, seconds);
}
