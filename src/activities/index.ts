// All activities, built from their dependencies (never from globals).
import type { ActivityDeps } from './deps.js';
import { createTenantSlots } from './tenant-slots.js';
import { createCallAnalysisActivities } from './call-analysis.js';
import { createLeadAnalysisActivities } from './lead-analysis.js';
import { createScoringActivities } from './scoring.js';
import { createReanalysisActivities } from './reanalysis.js';
import { createPromptHealthActivities } from './prompt-health.js';
import { createExperimentActivities } from './experiments.js';
import { createEventDeliveryActivities } from './event-delivery.js';

/** What the worker hands over: the activities make their per-organization slots when none are given. */
export type ActivitySetup = Omit<ActivityDeps, 'tenantSlots'> & Partial<Pick<ActivityDeps, 'tenantSlots'>>;

export function createActivities(setup: ActivitySetup) {
  const deps: ActivityDeps = {
    ...setup,
    tenantSlots: setup.tenantSlots ?? createTenantSlots(setup.config.openai.maxConcurrentPerOrganization),
  };
  return {
    ...createCallAnalysisActivities(deps),
    ...createLeadAnalysisActivities(deps),
    ...createScoringActivities(deps),
    ...createReanalysisActivities(deps),
    ...createPromptHealthActivities(deps),
    ...createExperimentActivities(deps),
    ...createEventDeliveryActivities(deps),
  };
}
