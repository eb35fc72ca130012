// Worker side of the workflows' metrics sink (workflow-metrics.ts): counts into the worker's registry.
import type { InjectedSinks } from '@temporalio/worker';
import type { MetricsSinks } from './workflow-metrics.js';
import type { WorkerMetrics } from './metrics.js';

export function metricsSinks(metrics: WorkerMetrics): InjectedSinks<MetricsSinks> {
  return {
    callsenseMetrics: {
      analysis: { fn: (_info, outcome, promptSource) => metrics.recordAnalysis(outcome, promptSource) },
      fold: { fn: (_info, outcome, seconds) => metrics.recordFold(outcome, seconds) },
    },
  };
}
