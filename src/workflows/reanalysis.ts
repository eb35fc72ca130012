// reanalysisWorkflow (id reanalysis:<organizationId>:<uuid>): re-analyses every matching call of an organization,
// a few at a time, each as a child run of the call's own workflow (same id, a new run). A failing call is
// counted, never fatal. Each page is a fresh run (continue-as-new), so the history stays short; progress is a
// query. callReconciliationWorkflow (the `call-reconciliation` schedule) restarts calls stuck without a run.
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  executeChild,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { ReanalysisActivities } from '../activities/reanalysis.js';
import type { ReanalysisFilters } from '../domain/calls/reanalysis-filter.js';
import { tenantSearchAttributes } from '../temporal/search-attributes.js';
import { callAnalysisWorkflow } from './call-analysis.js';
import { reanalysisProgressQuery, type ReanalysisProgress } from './definitions.js';
import { BOOKKEEPING_ACTIVITY_OPTIONS, type OpenAITuning } from './activity-options.js';

export interface ReanalysisInput {
  organizationId: string;
  filters: ReanalysisFilters;
  /** Counted by the starter (the API answers with it); counted here when absent. */
  total?: number;
  /** ISO-8601; set on the first run: calls created later are not part of this re-analysis. */
  createdBefore?: string;
  afterId?: string | null;
  done?: number;
  failed?: number;
  pageSize?: number;
  concurrency?: number;
  openai?: OpenAITuning;
}

const activities = proxyActivities<ReanalysisActivities>(BOOKKEEPING_ACTIVITY_OPTIONS);

/** Runs `fn` over `items` with at most `limit` in flight (deterministic: lanes take items in order). */
async function inLanes<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

export async function reanalysisWorkflow(input: ReanalysisInput): Promise<ReanalysisProgress> {
  const createdBefore = input.createdBefore ?? new Date().toISOString();
  const progress: ReanalysisProgress = { total: input.total ?? -1, done: input.done ?? 0, failed: input.failed ?? 0 };
  setHandler(reanalysisProgressQuery, () => ({ ...progress, total: Math.max(progress.total, 0) }));
  const base = { organizationId: input.organizationId, filters: input.filters, createdBefore };
  if (progress.total < 0) progress.total = await activities.countCallsForReanalysis(base);

  const page = await activities.listCallsForReanalysis({
    ...base,
    afterId: input.afterId ?? null,
    limit: input.pageSize ?? 25,
  });
  await inLanes(page.calls, input.concurrency ?? 5, async (call) => {
    try {
      const result = await executeChild(callAnalysisWorkflow, {
        workflowId: call.workflowId,
        args: [
          {
            organizationId: input.organizationId,
            callRowId: call.callRowId,
            reanalysis: true,
            ...(input.openai ? { openai: input.openai } : {}),
          },
        ],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        // The calls' runs are theirs: stopping the re-analysis does not stop a call half-way.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: tenantSearchAttributes({
          organizationId: input.organizationId,
          userId: call.userId,
          leadId: call.leadId,
        }),
      });
      if (result.status === 'failed') progress.failed++;
      else progress.done++;
    } catch {
      // Already running (a delivery or another re-analysis got there first) or could not start: counted.
      progress.failed++;
    }
  });

  if (page.next) {
    await continueAsNew<typeof reanalysisWorkflow>({ ...input, ...progress, createdBefore, afterId: page.next });
  }
  return progress;
}

const reconciliation = proxyActivities<ReanalysisActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Started by the `call-reconciliation` schedule every 5 minutes. */
export async function callReconciliationWorkflow(
  input: { minAgeSeconds?: number; limit?: number } = {},
): Promise<{ checked: number; restarted: number }> {
  return reconciliation.reconcileStuckCalls({ minAgeSeconds: input.minAgeSeconds ?? 300, limit: input.limit ?? 1000 });
}
