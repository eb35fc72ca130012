// weeklyScoringWorkflow (started by the `lead-scoring-weekly` schedule, or by an admin for one organization):
// pages through the (organization, user) pairs with WON/LOST leads and runs one userScoringWorkflow child
// per pair, a few at a time. A failing user is counted, never fatal. Each page is a fresh run
// (continue-as-new), so the history stays short however many users there are.
import { continueAsNew, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ScoringActivities, ScoringPair } from '../activities/scoring.js';
import type { TrainingOutcome } from '../domain/scoring/train-user-model.js';
import { runDateOf, userScoringWorkflowId } from '../temporal/ids.js';
import { tenantSearchAttributes } from '../temporal/search-attributes.js';

export interface WeeklyScoringTotals {
  users: number;
  trained: number;
  activated: number;
  insufficientData: number;
  /** A run for that user and day was already in progress (e.g. a manual one): not started twice. */
  alreadyRunning: number;
  failed: number;
}

export interface WeeklyScoringInput {
  /** Only this organization's users (the admin's manual run); all organizations when absent. */
  organizationId?: string;
  /** Where the previous run of this chain stopped (continue-as-new). */
  cursor?: ScoringPair | null;
  /** YYYY-MM-DD of the first run's start: part of the child ids, kept across continue-as-new. */
  runDate?: string;
  totals?: WeeklyScoringTotals;
  /** A few failures, for the operator (capped to keep the payload small). */
  failures?: { organizationId: string; userId: string; error: string }[];
  pageSize?: number;
  concurrency?: number;
}

export interface WeeklyScoringResult extends WeeklyScoringTotals {
  runDate: string;
  failures: { organizationId: string; userId: string; error: string }[];
}

const MAX_REPORTED_FAILURES = 20;

const { listScoringPairs } = proxyActivities<ScoringActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

const { optimizeScoringWeights } = proxyActivities<ScoringActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
});

/** Trains one user's model: the activity's outcome, including why no model was made. */
export async function userScoringWorkflow(input: ScoringPair): Promise<TrainingOutcome> {
  const outcome = await optimizeScoringWeights({ organizationId: input.organizationId, userId: input.userId });
  const activated = outcome.status === 'trained' ? outcome.activated : false;
  log.info('scoring run finished', { ...input, status: outcome.status, activated, reason: outcome.reason });
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

const messageOf = (error: unknown): string => {
  let current = error;
  while (current instanceof Error && current.cause) current = current.cause;
  return current instanceof Error ? current.message : String(current);
};

export async function weeklyScoringWorkflow(input: WeeklyScoringInput = {}): Promise<WeeklyScoringResult> {
  const runDate = input.runDate ?? runDateOf(new Date(workflowInfo().startTime));
  const totals: WeeklyScoringTotals = input.totals ?? { users: 0, trained: 0, activated: 0, insufficientData: 0, alreadyRunning: 0, failed: 0 };
  const failures = [...(input.failures ?? [])];
  const pageSize = input.pageSize ?? 200;

  const page = await listScoringPairs({ afterKey: input.cursor ?? null, limit: pageSize, ...(input.organizationId ? { organizationId: input.organizationId } : {}) });
  await inLanes(page.pairs, input.concurrency ?? 10, async (pair) => {
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
      } else {
        totals.insufficientData++;
      }
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        totals.alreadyRunning++;
        return;
      }
      totals.failed++;
      const message = messageOf(error);
      log.warn('user scoring failed', { ...pair, error: message });
      if (failures.length < MAX_REPORTED_FAILURES) failures.push({ ...pair, error: message });
    }
  });

  if (page.next) {
    await continueAsNew<typeof weeklyScoringWorkflow>({ ...input, cursor: page.next, runDate, totals, failures });
  }
  return { runDate, ...totals, failures };
}
