// All activities, built from their dependencies (never from globals).
import type { ActivityDeps } from './deps.js';
import { createCallAnalysisActivities } from './call-analysis.js';
import { createLeadAnalysisActivities } from './lead-analysis.js';
import { createScoringActivities } from './scoring.js';
import { createReanalysisActivities } from './reanalysis.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCallAnalysisActivities(deps),
    ...createLeadAnalysisActivities(deps),
    ...createScoringActivities(deps),
    ...createReanalysisActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
