// callAnalysisWorkflow (id call:<organizationId>:<callId>): extract the call with the first usable prompt of its
// resolution line (user → organization default → built-in), record the outcome, then hand the lead to
// leadAnalysisWorkflow. Without an OpenAI key the call stays queued (the reconciliation schedule starts it
// again once a worker has one). The same id runs again
// (a new run) to heal a call that ended without an analysis, or to re-analyse it on request.
import { proxyActivities, log } from '@temporalio/workflow';
import type { CallAnalysisActivities } from '../activities/call-analysis.js';
import { FailureType } from '../temporal/failure-types.js';
import {
  OPENAI_TIMED_OUT,
  candidateKey,
  failedPromptKey,
  failureMessage,
  failureType,
  withPromptCandidates,
} from './prompt-fallback.js';
import {
  bookkeepingActivities,
  openAIActivityOptions,
  retryWindowFrom,
  type OpenAITuning,
} from './activity-options.js';
import { recordAnalysis } from '../observability/workflow-metrics.js';

export interface CallAnalysisInput {
  organizationId: string;
  callRowId: string;
  /** The call's lead and user, as the starter knows them (absent in runs started before they were passed). */
  leadId?: string;
  userId?: string | null;
  /** Analyse again even if the call has an analysis (re-analysis on request). */
  reanalysis?: boolean;
  /** OpenAI retry and timeout tuning (the starters pass the configuration's). */
  openai?: OpenAITuning;
}

export interface CallAnalysisResult {
  status: 'analyzed' | 'failed' | 'already-finished' | 'queued';
  promptId?: string;
  promptVersion?: number;
  promptSource?: 'user' | 'organization' | 'system';
  error?: string;
}

export async function callAnalysisWorkflow(input: CallAnalysisInput): Promise<CallAnalysisResult> {
  // Runs begun before bookkeeping became local activities replay with the task-queue activities they scheduled.
  const bookkeeping = bookkeepingActivities<CallAnalysisActivities>();
  const ref = { organizationId: input.organizationId, callRowId: input.callRowId };
  let begun;
  try {
    begun = await bookkeeping.beginCallAnalysis({ ...ref, reanalysis: input.reanalysis ?? false });
  } catch (error) {
    if (failureType(error) !== FailureType.CallNotFound) throw error;
    return { status: 'failed', error: failureMessage(error) };
  }
  if (begun.finished) return { status: 'already-finished' };
  if (begun.waiting) return { status: 'queued', error: begun.waiting };

  const window = retryWindowFrom(input.openai, Date.now());
  const { extractCallAnalysis } = proxyActivities<CallAnalysisActivities>(openAIActivityOptions(input.openai));
  let stored;
  try {
    stored = await withPromptCandidates(begun.candidates, begun.fallbackReason, (candidates, fallbackReason) =>
      extractCallAnalysis({ ...ref, candidates, fallbackReason, window }),
    );
  } catch (error) {
    const message = failureMessage(error, OPENAI_TIMED_OUT);
    log.warn('call analysis failed', { callRowId: input.callRowId, error: message });
    if (failureType(error) === FailureType.CallNotFound) return { status: 'failed', error: message };
    const key = failedPromptKey(error);
    const candidate = begun.candidates.find((c) => candidateKey(c) === key);
    await bookkeeping.failCallAnalysis({
      ...ref,
      error: message,
      promptId: candidate?.promptId,
      promptVersion: candidate?.version,
      promptSource: candidate?.source,
    });
    const source = candidate?.source;
    recordAnalysis('failed', source ?? 'none');
    return { status: 'failed', error: message };
  }
  recordAnalysis('analyzed', stored.promptSource);
  try {
    await bookkeeping.notifyLeadWorkflow({ ...ref, leadId: input.leadId });
  } catch (error) {
    // The call row was deleted after its analysis: nothing to fold.
    if (failureType(error) !== FailureType.CallNotFound) throw error;
  }
  return {
    status: 'analyzed',
    promptId: stored.promptId,
    promptVersion: stored.promptVersion,
    promptSource: stored.promptSource,
  };
}
