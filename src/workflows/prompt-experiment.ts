// promptExperimentWorkflow (id experiment:<organizationId>:<uuid>): prepares the experiment's items, runs them in
// batches (individual analyses first, then the folds), evaluates, and records how it ended. Cancelling it stops
// the batches and marks the experiment cancelled. Its inputs and history carry ids and counts only.
import {
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ExperimentActivities, ExperimentRef } from '../activities/experiments.js';
import { failureMessage } from '../temporal/failure-types.js';

export interface PromptExperimentInput extends ExperimentRef {
  /** Set once the items exist (a continued run does not prepare again). */
  kind?: 'individual' | 'complete';
  /** Items run per batch (tests make it small). */
  batchSize?: number;
}

const { prepareExperiment, runExperimentBatch, evaluatePromptExperiment } = proxyActivities<ExperimentActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const { finishExperiment } = proxyActivities<ExperimentActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function promptExperimentWorkflow(input: PromptExperimentInput): Promise<void> {
  const ref = { organizationId: input.organizationId, experimentId: input.experimentId };
  try {
    const kind = input.kind ?? (await prepareExperiment(ref)).kind;
    const phases = kind === 'individual' ? (['individual', 'complete'] as const) : (['complete'] as const);
    let idleRounds = 0;
    for (const phase of phases) {
      for (;;) {
        const batch = await runExperimentBatch({ ...ref, kind: phase, limit: input.batchSize ?? 16 });
        if (batch.remaining === 0) break;
        // The organization's daily budget is spent: pause until it is back.
        if (batch.pausedMs !== undefined) await sleep(Math.max(1_000, batch.pausedMs));
        // Only transient failures (flex capacity, outages): wait longer each round before trying again.
        else if (batch.finished === 0) await sleep(Math.min(300_000, 2_000 * 2 ** Math.min(8, idleRounds++)));
        else idleRounds = 0;
        if (workflowInfo().continueAsNewSuggested)
          await continueAsNew<typeof promptExperimentWorkflow>({ ...input, kind });
      }
    }
    await evaluatePromptExperiment(ref);
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => finishExperiment({ ...ref, status: 'cancelled' }));
      throw error;
    }
    await finishExperiment({ ...ref, status: 'failed', error: failureMessage(error) });
    throw error;
  }
}
