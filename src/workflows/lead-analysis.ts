// leadAnalysisWorkflow (id lead:<organizationId>:<leadId>): one per lead, fed by `callAnalyzed` signals.
// It debounces bursts, folds the new analyses into the complete analysis, scores the lead, and
// continues-as-new to keep its history short. It ends after a quiet spell; the next signal restarts it.
import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, workflowInfo, log } from '@temporalio/workflow';
import type { LeadAnalysisActivities } from '../activities/lead-analysis.js';
import { failureMessage, withPromptFallback } from './prompt-fallback.js';
import { recordFold } from '../observability/workflow-metrics.js';
import { BOOKKEEPING_ACTIVITY_OPTIONS, openAIActivityOptions, type OpenAITuning } from './activity-options.js';

export const callAnalyzedSignal = defineSignal<[{ callRowId: string }]>('callAnalyzed');
export const leadStateQuery = defineQuery<{ pending: number; folds: number }>('leadState');

export interface LeadAnalysisInput {
  organizationId: string;
  leadId: string;
  pendingCallIds?: string[];
  /** Burst handling: fold after `quietMs` without a new signal, at most `maxWaitMs` after the first. */
  debounce?: { quietMs?: number; maxWaitMs?: number };
  /** How long the workflow waits for another call before it completes. */
  idleMs?: number;
  /** OpenAI retry and timeout tuning (the starters pass OPENAI_TIMEOUT_MS). */
  openai?: OpenAITuning;
}

const FOLDS_PER_RUN = 50;

const bookkeeping = proxyActivities<LeadAnalysisActivities>(BOOKKEEPING_ACTIVITY_OPTIONS);

export async function leadAnalysisWorkflow(input: LeadAnalysisInput): Promise<{ folds: number }> {
  const ref = { organizationId: input.organizationId, leadId: input.leadId };
  const quietMs = input.debounce?.quietMs ?? 2000;
  const maxWaitMs = input.debounce?.maxWaitMs ?? 30_000;
  const idleMs = input.idleMs ?? 10 * 60_000;
  const { foldLeadAnalysis } = proxyActivities<LeadAnalysisActivities>(openAIActivityOptions(input.openai));

  const pending = new Set(input.pendingCallIds ?? []);
  let signals = 0;
  let folds = 0;
  setHandler(callAnalyzedSignal, ({ callRowId }) => {
    pending.add(callRowId);
    signals++;
  });
  setHandler(leadStateQuery, () => ({ pending: pending.size, folds }));

  for (;;) {
    if (!(await condition(() => pending.size > 0, idleMs))) return { folds };

    // Debounce: a burst of calls becomes one fold.
    const burstStart = Date.now();
    for (;;) {
      const seen = signals;
      const left = maxWaitMs - (Date.now() - burstStart);
      if (left <= 0 || !(await condition(() => signals !== seen, Math.min(quietMs, left)))) break;
    }
    pending.clear();

    const foldStart = Date.now();
    try {
      const { pending: waiting, candidates } = await bookkeeping.prepareLeadFold(ref);
      let remaining = waiting;
      let folded = 0;
      while (remaining > 0) {
        const { result } = await withPromptFallback(candidates, (prompt) => foldLeadAnalysis({ ...ref, prompt }));
        folded += result.folded;
        remaining = result.folded === 0 ? 0 : result.remaining;
      }
      if (folded > 0) {
        recordFold('folded', (Date.now() - foldStart) / 1000);
        log.info('complete analysis updated', { organizationId: input.organizationId, leadId: input.leadId, calls: folded });
      }
    } catch (error) {
      // The lead keeps working: the unfolded calls stay in the database for the next fold.
      recordFold('failed', (Date.now() - foldStart) / 1000);
      log.warn('complete analysis failed', { organizationId: input.organizationId, leadId: input.leadId, error: failureMessage(error) });
    }
    await bookkeeping.scoreLead(ref);
    folds++;

    if (folds >= FOLDS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof leadAnalysisWorkflow>({ ...input, pendingCallIds: [...pending] });
    }
  }
}
