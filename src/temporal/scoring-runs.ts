// Starting and following the scoring workflows from the API (and the admin CLI): typed by the workflow
// functions themselves, with their documented ids and the tenant's search attributes.
import { randomUUID } from 'node:crypto';
import {
  ScheduleNotFoundError,
  WorkflowFailedError,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { userScoringWorkflow, weeklyScoringWorkflow, type WeeklyScoringInput } from '../workflows/scoring.js';
import type { TrainingOutcome } from '../domain/scoring/train-user-model.js';
import { SCORING_SCHEDULE_ID, organizationScoringRunId, runDateOf, userScoringWorkflowId } from './ids.js';
import { tenantSearchAttributes } from './search-attributes.js';

/** Retrains one user's model now. A weekly child or an earlier click still running today is returned, not doubled. */
export function startUserScoring(
  client: Client,
  taskQueue: string,
  pair: { organizationId: string; userId: string },
): Promise<WorkflowHandle<typeof userScoringWorkflow>> {
  return client.workflow.start(userScoringWorkflow, {
    workflowId: userScoringWorkflowId(pair.organizationId, pair.userId, runDateOf(new Date())),
    taskQueue,
    args: [pair],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: tenantSearchAttributes(pair),
  });
}

/** Retrains the organization's pooled model and every one of its users now (the weekly run, narrowed). */
export function startOrganizationScoring(
  client: Client,
  taskQueue: string,
  organizationId: string,
): Promise<WorkflowHandle<typeof weeklyScoringWorkflow>> {
  const runDate = runDateOf(new Date());
  return client.workflow.start(weeklyScoringWorkflow, {
    workflowId: organizationScoringRunId(organizationId, runDate),
    taskQueue,
    args: [{ organizationId, runDate }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: tenantSearchAttributes({ organizationId }),
  });
}

/** A weekly run with explicit paging (tests and benchmarks); the schedule starts the real one. */
export function startWeeklyScoring(
  client: Client,
  taskQueue: string,
  input: WeeklyScoringInput,
  workflowId = `weekly-scoring-${randomUUID()}`,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof weeklyScoringWorkflow>> {
  return client.workflow.start(weeklyScoringWorkflow, { workflowId, taskQueue, args: [input] });
}

export type Waited = { done: true; outcome: TrainingOutcome } | { done: true; failure: string } | { done: false };

/** The run's outcome if it ends within `ms`; a failed run is reported, not thrown. */
export async function waitForScoring(
  client: Client,
  handle: WorkflowHandle<typeof userScoringWorkflow>,
  ms: number,
): Promise<Waited> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return { done: true, outcome: await client.withAbortSignal(controller.signal, () => handle.result()) };
  } catch (error) {
    if (controller.signal.aborted) return { done: false };
    if (error instanceof WorkflowFailedError) {
      let cause: unknown = error;
      while (cause instanceof Error && cause.cause) cause = cause.cause;
      return { done: true, failure: cause instanceof Error ? cause.message : String(cause) };
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** When the weekly schedule runs next; null when there is no schedule (or it has no next run). */
export async function nextScheduledScoringRun(client: Client): Promise<Date | null> {
  try {
    return (await client.schedule.getHandle(SCORING_SCHEDULE_ID).describe()).info.nextActionTimes[0] ?? null;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}
