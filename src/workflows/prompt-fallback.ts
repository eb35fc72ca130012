// The user's prompt first, then the system default: on OpenAI's 404 for the prompt (not retried), or when
// the user's prompt has used up its retries, the next candidate gets its own attempts.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

export interface PromptCandidate {
  promptId: string;
  source: 'user' | 'system';
}

const FALL_THROUGH = new Set(['PromptNotFound']);

function shouldTryNext(error: unknown): boolean {
  if (!(error instanceof ActivityFailure)) return false;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure)) return true; // timeouts: retries ran out
  if (cause.type && FALL_THROUGH.has(cause.type)) return true;
  return !cause.nonRetryable; // a retryable failure reaching us means the attempts are used up
}

export async function withPromptFallback<T>(
  candidates: PromptCandidate[],
  run: (candidate: PromptCandidate) => Promise<T>,
): Promise<{ result: T; prompt: PromptCandidate }> {
  if (candidates.length === 0) {
    throw ApplicationFailure.create({ type: 'NoPromptConfigured', message: 'No OpenAI prompt configured', nonRetryable: true });
  }
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      return { result: await run(candidate), prompt: candidate };
    } catch (error) {
      lastError = error;
      if (!shouldTryNext(error)) throw error;
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
