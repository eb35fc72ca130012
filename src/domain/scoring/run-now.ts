// Retraining on demand (the admin route and the operator's CLI): the same workflow the weekly schedule runs.
import type { Client } from '@temporalio/client';
import { runDateOf } from '../../temporal/ids.js';
import { tenantSearchAttributes } from '../../temporal/search-attributes.js';

/** The manual run: one per organization and day, so a double click finds the running one. */
export const organizationScoringRunId = (organizationId: string, runDate: string) =>
  `scoring-run:${organizationId}:${runDate}`;

/** Starts (or finds, when one runs today) the retraining of every user of the organization. */
export async function startOrganizationScoring(
  client: Client,
  input: { taskQueue: string; organizationId: string },
): Promise<string> {
  const runDate = runDateOf(new Date());
  const handle = await client.workflow.start('weeklyScoringWorkflow', {
    workflowId: organizationScoringRunId(input.organizationId, runDate),
    taskQueue: input.taskQueue,
    args: [{ organizationId: input.organizationId, runDate }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: tenantSearchAttributes({ organizationId: input.organizationId }),
  });
  return handle.workflowId;
}
