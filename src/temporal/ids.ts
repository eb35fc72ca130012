// Workflow ids. Pure: used by the API, activities and workflows alike.
export const callWorkflowId = (organizationId: string, callId: string) => `call:${organizationId}:${callId}`;
export const leadWorkflowId = (organizationId: string, leadId: string) => `lead:${organizationId}:${leadId}`;
export const userScoringWorkflowId = (organizationId: string, userId: string, runDate: string) =>
  `scoring:${organizationId}:${userId}:${runDate}`;
export const organizationScoringWorkflowId = (organizationId: string, runDate: string) =>
  `scoring:${organizationId}:organization:${runDate}`;
/** The admin's manual run: one per organization and day, so a double click finds the running one. */
export const organizationScoringRunId = (organizationId: string, runDate: string) =>
  `scoring-run:${organizationId}:${runDate}`;
export const SCORING_SCHEDULE_ID = 'lead-scoring-weekly';
/** A run date as it appears in scoring workflow ids: YYYY-MM-DD (UTC). */
export const runDateOf = (date: Date) => date.toISOString().slice(0, 10);
export const experimentWorkflowId = (organizationId: string, experimentId: string) =>
  `experiment:${organizationId}:${experimentId}`;
/** Delivers one stream of an endpoint in order: a lead's events, or the endpoint's own (`endpoint`: ping). */
export const eventDeliveryWorkflowId = (organizationId: string, endpointId: string, stream: string) =>
  `event-delivery:${organizationId}:${endpointId}:${stream}`;
