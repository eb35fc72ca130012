// leadAnalysisWorkflow (id lead:<organizationId>:<leadId>): one per lead, fed by `callAnalyzed` signals.
// It debounces bursts, folds the new analyses into the complete analysis, scores the lead, and
// continues-as-new to keep its history short. A fold that fails is retried by this workflow with backoff
// (it stays alive while one is pending); with nothing pending it ends after a quiet spell, and the next
// signal restarts it.
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo, log } from '@temporalio/workflow';
import type { LeadAnalysisActivities } from '../activities/lead-analysis.js';
import { OPENAI_TIMED_OUT, failedPromptKey, failureMessage, withPromptCandidates } from './prompt-fallback.js';
import {
  bookkeepingActivities,
  openAIActivityOptions,
  retryWindowFrom,
  type OpenAITuning,
} from './activity-options.js';
import { callAnalyzedSignal, leadStateQuery } from './definitions.js';
import { recordFold } from '../observability/workflow-metrics.js';

export { callAnalyzedSignal, leadStateQuery };

export interface LeadAnalysisInput {
  organizationId: string;
  leadId: string;
  pendingCallIds?: string[];
  /** Burst handling: fold after `quietMs` without a new signal, at most `maxWaitMs` after the first. */
  debounce?: { quietMs?: number; maxWaitMs?: number };
  /** How long the workflow waits for another call before it completes. */
  idleMs?: number;
  /** Failed folds are retried after `initialMs`, doubling up to `maxMs`. */
  foldRetry?: { initialMs?: number; maxMs?: number };
  /** Consecutive failed folds so far (kept across continue-as-new). */
  failingFolds?: number;
  /** OpenAI retry and timeout tuning (the starters pass the configuration's). */
  openai?: OpenAITuning;
}

const FOLDS_PER_RUN = 50;

export async function leadAnalysisWorkflow(input: LeadAnalysisInput): Promise<{ folds: number }> {
  // Runs begun before bookkeeping became local activities replay with the task-queue activities they scheduled.
  const bookkeeping = bookkeepingActivities<LeadAnalysisActivities>();
  const ref = { organizationId: input.organizationId, leadId: input.leadId };
  const quietMs = input.debounce?.quietMs ?? 2000;
  const maxWaitMs = input.debounce?.maxWaitMs ?? 30_000;
  const idleMs = input.idleMs ?? 10 * 60_000;
  const retryInitialMs = input.foldRetry?.initialMs ?? 60_000;
  const retryMaxMs = input.foldRetry?.maxMs ?? 60 * 60_000;
  const { foldLeadAnalysis } = proxyActivities<LeadAnalysisActivities>(openAIActivityOptions(input.openai));

  const pending = new Set(input.pendingCallIds ?? []);
  let signals = 0;
  let folds = 0;
  let failingFolds = input.failingFolds ?? 0;
  setHandler(callAnalyzedSignal, ({ callRowId }) => {
    pending.add(callRowId);
    signals++;
  });
  setHandler(leadStateQuery, () => ({ pending: pending.size, folds, failingFolds }));

  for (;;) {
    if (failingFolds > 0) {
      // A failed fold is due again after its backoff (or at once when a new call arrives).
      const retryInMs = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(20, failingFolds - 1));
      await condition(() => pending.size > 0, retryInMs);
    } else if (!(await condition(() => pending.size > 0, idleMs))) {
      return { folds };
    }

    // Debounce: a burst of calls becomes one fold.
    const burstStart = Date.now();
    for (;;) {
      const seen = signals;
      const left = maxWaitMs - (Date.now() - burstStart);
      if (pending.size === 0 || left <= 0 || !(await condition(() => signals !== seen, Math.min(quietMs, left)))) break;
    }
    pending.clear();

    const { pending: waiting, candidates, fallbackReason } = await bookkeeping.prepareLeadFold(ref);
    if (candidates.length === 0 && waiting === 0) return { folds }; // the lead is gone
    const foldStart = Date.now();
    try {
      const window = retryWindowFrom(input.openai, Date.now());
      let remaining = waiting;
      let folded = 0;
      while (remaining > 0) {
        const result = await withPromptCandidates(candidates, fallbackReason, (left, reason) =>
          foldLeadAnalysis({ ...ref, candidates: left, fallbackReason: reason, window }),
        );
        folded += result.folded;
        remaining = result.folded === 0 ? 0 : result.remaining;
      }
      failingFolds = 0;
      if (folded > 0) {
        recordFold('folded', (Date.now() - foldStart) / 1000);
        log.info('complete analysis updated', {
          organizationId: input.organizationId,
          leadId: input.leadId,
          calls: folded,
        });
      }
    } catch (error) {
      // The unfolded calls stay in the database; this workflow tries again after a backoff.
      failingFolds++;
      const message = failureMessage(error, OPENAI_TIMED_OUT);
      recordFold('failed', (Date.now() - foldStart) / 1000);
      log.warn('complete analysis failed; retrying later', {
        organizationId: input.organizationId,
        leadId: input.leadId,
        error: message,
        failingFolds,
      });
      await bookkeeping.recordFailedFold({ ...ref, error: message, promptKey: failedPromptKey(error) });
    }
    await bookkeeping.scoreLead(ref);
    folds++;

    if (folds >= FOLDS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof leadAnalysisWorkflow>({ ...input, pendingCallIds: [...pending], failingFolds });
    }
  }
}
