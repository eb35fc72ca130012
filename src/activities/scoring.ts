import type { ActivityDeps } from './deps.js';

// TODO(scoring issue): optimizeScoringWeights and the pair listing for the weekly run.
export function createScoringActivities(_deps: ActivityDeps) {
  return {};
}
