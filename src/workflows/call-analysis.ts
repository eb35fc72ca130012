// callAnalysisWorkflow (id call:<organizationId>:<callId>): extract the call with the user's prompt
// (system prompt as fallback), record the outcome, then hand the lead to leadAnalysisWorkflow.
import { proxyActivities, log } from '@temporalio/workflow';
import type { CallAnalysisActivities } from '../activities/call-analysis.js';
import { failureMessage, withPromptFallback } from './prompt-fallback.js';

export interface CallAnalysisInput {
  organizationId: string;
  callRowId: string;
  /** Retry tuning, for tests and operators; defaults suit OpenAI. */
  retry?: { maximumAttempts?: number; initialIntervalMs?: number };
}

export interface CallAnalysisResult {
  status: 'analyzed' | 'failed' | 'already-finished';
  promptId?: string;
  promptSource?: 'user' | 'system';
  error?: string;
}

const bookkeeping = proxyActivities<CallAnalysisActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function callAnalysisWorkflow(input: CallAnalysisInput): Promise<CallAnalysisResult> {
  const ref = { organizationId: input.organizationId, callRowId: input.callRowId };
  const { finished, candidates } = await bookkeeping.beginCallAnalysis(ref);
  if (finished) return { status: 'already-finished' };

  // The OpenAI SDK does not retry: this policy does, per prompt candidate.
  const { extractCallAnalysis } = proxyActivities<CallAnalysisActivities>({
    startToCloseTimeout: '3 minutes',
    // The activity heartbeats while it waits for OpenAI: a dead worker's attempt is retried within seconds.
    heartbeatTimeout: '10 seconds',
    retry: {
      initialInterval: input.retry?.initialIntervalMs ?? 1000,
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: input.retry?.maximumAttempts ?? 5,
      nonRetryableErrorTypes: ['PromptNotFound', 'InvalidOutput', 'OpenAINotConfigured', 'OpenAIUnauthorized', 'OpenAIBadRequest', 'NoPromptConfigured'],
    },
  });

  try {
    const { result, prompt } = await withPromptFallback(candidates, (candidate) =>
      extractCallAnalysis({ ...ref, promptId: candidate.promptId }),
    );
    await bookkeeping.completeCallAnalysis({ ...ref, ...result, prompt });
    await bookkeeping.notifyLeadWorkflow(ref);
    return { status: 'analyzed', promptId: prompt.promptId, promptSource: prompt.source };
  } catch (error) {
    const message = failureMessage(error);
    log.warn('call analysis failed', { callRowId: input.callRowId, error: message });
    await bookkeeping.failCallAnalysis({ ...ref, error: message });
    return { status: 'failed', error: message };
  }
}
