// weeklyScoringWorkflow (started by the `lead-scoring-weekly` schedule, or by an admin for one organization):
// first pages through the organizations with WON/LOST leads and runs one organizationScoringWorkflow child
// each (the pooled model that scores users without a model of their own), then through the (organization,
// user) pairs with WON/LOST leads, one userScoringWorkflow child per pair; a few children at a time. A
// failing child is counted, never fatal. Each page is a fresh run (continue-as-new), so the history stays
// short however many users there are.
import {
  type ActivityOptions,
  continueAsNew,
  executeChild,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import { locallyAfterPatch } from './activity-options.js';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ScoringActivities, ScoringPair } from '../activities/scoring.js';
import type { TrainingOutcome } from '../domain/scoring/train-user-model.js';
import { organizationScoringWorkflowId, runDateOf, userScoringWorkflowId } from '../temporal/ids.js';
import { tenantSearchAttributes } from '../temporal/search-attributes.js';
import { failureMessage } from '../temporal/failure-types.js';

export interface WeeklyScoringTotals {
  users: number;
  trained: number;
  activated: number;
  insufficientData: number;
  /** Same labelled leads and features as the active version: no new version. */
  unchanged: number;
  /** A run for that user and day was already in progress (e.g. a manual one): not started twice. */
  alreadyRunning: number;
  failed: number;
  /** The organizations' pooled models, counted apart from the users. */
  organizations: number;
  organizationsActivated: number;
  organizationsFailed: number;
}

export interface WeeklyScoringInput {
  /** Only this organization's users (the admin's manual run); all organizations when absent. */
  organizationId?: string;
  /** Organizations' pooled models first, then users' own; carried across continue-as-new. */
  phase?: 'organizations' | 'users';
  /** Where the previous run of the organizations phase stopped (continue-as-new). */
  organizationCursor?: string | null;
  /** Where the previous run of this chain stopped (continue-as-new). */
  cursor?: ScoringPair | null;
  /** YYYY-MM-DD of the first run's start: part of the child ids, kept across continue-as-new. */
  runDate?: string;
  totals?: WeeklyScoringTotals;
  /** A few failures, for the operator (capped to keep the payload small). */
  failures?: ScoringFailure[];
  pageSize?: number;
  concurrency?: number;
}

export interface WeeklyScoringResult extends WeeklyScoringTotals {
  runDate: string;
  failures: ScoringFailure[];
}

/** `userId` null: the organization's pooled model. */
export interface ScoringFailure {
  organizationId: string;
  userId: string | null;
  error: string;
}

const MAX_REPORTED_FAILURES = 20;

const DATABASE_STEP: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
};
const TRAINING: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
};

const { listScoringPairs, listScoringOrganizations } = proxyActivities<ScoringActivities>(DATABASE_STEP);

/** The patch id that moved a child's training into the worker running the child (older runs replay activities). */
const LOCAL_TRAINING_PATCH = 'local-training';

/**
 * A scoring child's steps, local since `local-training`: the child is then one workflow task (train, record,
 * complete) instead of a round trip through the task queue for each step, which is most of a weekly run's time
 * across thousands of children. Training is safe to repeat: identical labelled leads make no new version.
 */
function scoringChildActivities() {
  const { optimizeScoringWeights, optimizeOrganizationScoringWeights } = locallyAfterPatch<ScoringActivities>(
    LOCAL_TRAINING_PATCH,
    TRAINING,
  );
  const { recordFailedScoringRun } = locallyAfterPatch<ScoringActivities>(LOCAL_TRAINING_PATCH, DATABASE_STEP);
  return { optimizeScoringWeights, optimizeOrganizationScoringWeights, recordFailedScoringRun };
}

/** A training that failed for good is recorded (the status route reports it), then fails the workflow. */
async function recordingFailure(
  organizationId: string,
  userId: string | null,
  train: (activities: ReturnType<typeof scoringChildActivities>) => Promise<TrainingOutcome>,
): Promise<TrainingOutcome> {
  const activities = scoringChildActivities();
  try {
    return await train(activities);
  } catch (error) {
    await activities.recordFailedScoringRun({ organizationId, userId, error: failureMessage(error) });
    throw error;
  }
}

/** Trains one user's model: the activity's outcome, including why no model was made. */
export async function userScoringWorkflow(input: ScoringPair): Promise<TrainingOutcome> {
  const { organizationId, userId } = input;
  const outcome = await recordingFailure(organizationId, userId, (activities) =>
    activities.optimizeScoringWeights({ organizationId, userId }),
  );
  log.info('scoring run finished', { organizationId, userId, status: outcome.status, reason: outcome.reason });
  return outcome;
}

/** Trains the organization's pooled model from all its WON/LOST leads. */
export async function organizationScoringWorkflow(input: { organizationId: string }): Promise<TrainingOutcome> {
  const { organizationId } = input;
  const outcome = await recordingFailure(organizationId, null, (activities) =>
    activities.optimizeOrganizationScoringWeights({ organizationId }),
  );
  log.info('organization scoring run finished', { organizationId, status: outcome.status, reason: outcome.reason });
  return outcome;
}

/** Runs `fn` over `items` with at most `limit` in flight (deterministic: lanes take items in order). */
async function inLanes<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

export async function weeklyScoringWorkflow(input: WeeklyScoringInput = {}): Promise<WeeklyScoringResult> {
  const runDate = input.runDate ?? runDateOf(new Date(workflowInfo().startTime));
  const totals: WeeklyScoringTotals = input.totals ?? {
    users: 0,
    trained: 0,
    activated: 0,
    insufficientData: 0,
    unchanged: 0,
    alreadyRunning: 0,
    failed: 0,
    organizations: 0,
    organizationsActivated: 0,
    organizationsFailed: 0,
  };
  const failures = [...(input.failures ?? [])];
  const pageSize = input.pageSize ?? 200;
  const concurrency = input.concurrency ?? 10;
  const only = input.organizationId ? { organizationId: input.organizationId } : {};

  if ((input.phase ?? 'organizations') === 'organizations') {
    const afterId = input.organizationCursor ?? null;
    const page = await listScoringOrganizations({ afterId, limit: pageSize, ...only });
    await inLanes(page.organizationIds, concurrency, async (organizationId) => {
      totals.organizations++;
      try {
        const outcome = await executeChild(organizationScoringWorkflow, {
          workflowId: organizationScoringWorkflowId(organizationId, runDate),
          args: [{ organizationId }],
          typedSearchAttributes: tenantSearchAttributes({ organizationId }),
        });
        if (outcome.activated) totals.organizationsActivated++;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return;
        totals.organizationsFailed++;
        const message = failureMessage(error);
        log.warn('organization scoring failed', { organizationId, error: message });
        if (failures.length < MAX_REPORTED_FAILURES) failures.push({ organizationId, userId: null, error: message });
      }
    });
    const next: WeeklyScoringInput = page.next
      ? { ...input, phase: 'organizations', organizationCursor: page.next }
      : { ...input, phase: 'users', cursor: null };
    await continueAsNew<typeof weeklyScoringWorkflow>({ ...next, runDate, totals, failures });
  }

  const page = await listScoringPairs({ afterKey: input.cursor ?? null, limit: pageSize, ...only });
  await inLanes(page.pairs, concurrency, async (pair) => {
    totals.users++;
    try {
      const outcome = await executeChild(userScoringWorkflow, {
        workflowId: userScoringWorkflowId(pair.organizationId, pair.userId, runDate),
        args: [pair],
        typedSearchAttributes: tenantSearchAttributes({ organizationId: pair.organizationId, userId: pair.userId }),
      });
      if (outcome.status === 'trained') {
        totals.trained++;
        if (outcome.activated) totals.activated++;
      } else if (outcome.status === 'unchanged') {
        totals.unchanged++;
      } else {
        totals.insufficientData++;
      }
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        totals.alreadyRunning++;
        return;
      }
      totals.failed++;
      const message = failureMessage(error);
      log.warn('user scoring failed', { ...pair, error: message });
      if (failures.length < MAX_REPORTED_FAILURES) failures.push({ ...pair, error: message });
    }
  });

  if (page.next) {
    await continueAsNew<typeof weeklyScoringWorkflow>({ ...input, cursor: page.next, runDate, totals, failures });
  }
  return { runDate, ...totals, failures };
}
