// The user's prompt first, then the system default: on OpenAI's 404 for the prompt (not retried), or when
// the user's prompt has used up its retries, the next candidate gets its own attempts.
import { ActivityFailure, ApplicationFailure, log, workflowInfo } from '@temporalio/workflow';
import { recordFallback } from '../observability/workflow-metrics.js';

export interface PromptCandidate {
  promptId: string;
  source: 'user' | 'system';
}

const FALL_THROUGH = new Set(['PromptNotFound']);

/** Why the next candidate should run (a metric label), or null when the failure is final. */
function fallbackReason(error: unknown): string | null {
  if (!(error instanceof ActivityFailure)) return null;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure)) return 'timed_out'; // timeouts: retries ran out
  if (cause.type && FALL_THROUGH.has(cause.type)) return 'prompt_not_found';
  return cause.nonRetryable ? null : 'retries_exhausted'; // a retryable failure reaching us: attempts used up
}

export async function withPromptFallback<T>(
  candidates: PromptCandidate[],
  run: (candidate: PromptCandidate) => Promise<T>,
): Promise<{ result: T; prompt: PromptCandidate }> {
  if (candidates.length === 0) {
    throw ApplicationFailure.create({ type: 'NoPromptConfigured', message: 'No OpenAI prompt configured', nonRetryable: true });
  }
  let lastError: unknown;
  for (const [index, candidate] of candidates.entries()) {
    try {
      return { result: await run(candidate), prompt: candidate };
    } catch (error) {
      lastError = error;
      const reason = fallbackReason(error);
      if (!reason) throw error;
      const next = candidates[index + 1];
      if (next?.source === 'system' && candidate.source === 'user') {
        const kind = workflowInfo().workflowType === 'leadAnalysisWorkflow' ? 'complete' : 'individual';
        log.warn('falling back to the system prompt', { kind, promptId: candidate.promptId, reason, error: failureMessage(error) });
        recordFallback(kind, reason);
      }
    }
  }
  throw lastError;
}

/** A readable message from a workflow-side failure (the activity's own message, not the wrapper's). */
export function failureMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
