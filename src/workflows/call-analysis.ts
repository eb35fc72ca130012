// callAnalysisWorkflow (id call:<organizationId>:<callId>): extract the call with the user's prompt
// (system prompt as fallback), record the outcome, then hand the lead to leadAnalysisWorkflow.
import { proxyActivities, log } from '@temporalio/workflow';
import type { CallAnalysisActivities } from '../activities/call-analysis.js';
import { failureMessage, withPromptFallback } from './prompt-fallback.js';
import { recordAnalysis } from '../observability/workflow-metrics.js';
import { BOOKKEEPING_ACTIVITY_OPTIONS, openAIActivityOptions, type OpenAITuning } from './activity-options.js';

export interface CallAnalysisInput {
  organizationId: string;
  callRowId: string;
  /** OpenAI retry and timeout tuning (the starters pass OPENAI_TIMEOUT_MS). */
  openai?: OpenAITuning;
}

export interface CallAnalysisResult {
  status: 'analyzed' | 'failed' | 'already-finished';
  promptId?: string;
  promptSource?: 'user' | 'system';
  error?: string;
}

const bookkeeping = proxyActivities<CallAnalysisActivities>(BOOKKEEPING_ACTIVITY_OPTIONS);

export async function callAnalysisWorkflow(input: CallAnalysisInput): Promise<CallAnalysisResult> {
  const ref = { organizationId: input.organizationId, callRowId: input.callRowId };
  const { finished, candidates } = await bookkeeping.beginCallAnalysis(ref);
  if (finished) return { status: 'already-finished' };

  const { extractCallAnalysis } = proxyActivities<CallAnalysisActivities>(openAIActivityOptions(input.openai));

  try {
    const { result, prompt } = await withPromptFallback(candidates, (candidate) =>
      extractCallAnalysis({ ...ref, promptId: candidate.promptId }),
    );
    await bookkeeping.completeCallAnalysis({ ...ref, ...result, prompt });
    recordAnalysis('analyzed', prompt.source);
    log.info('call analysed', { organizationId: input.organizationId, callRowId: input.callRowId, promptSource: prompt.source });
    await bookkeeping.notifyLeadWorkflow(ref);
    return { status: 'analyzed', promptId: prompt.promptId, promptSource: prompt.source };
  } catch (error) {
    const message = failureMessage(error);
    log.warn('call analysis failed', { organizationId: input.organizationId, callRowId: input.callRowId, error: message });
    await bookkeeping.failCallAnalysis({ ...ref, error: message });
    recordAnalysis('failed', 'none');
    return { status: 'failed', error: message };
  }
}
