// The prompt candidates of one analysis: the user's prompt first, then the system default. The OpenAI activity
// alternates between them while failures are transient (see activities/openai-retry.ts); a 404 for one prompt
// is definite for that prompt only: it is dropped and the activity runs again with the others.
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType, failedPromptId, failureMessage, failureType } from '../temporal/failure-types.js';

export { failedPromptId, failureMessage, failureType };

/** The message of an OpenAI step that ran out of its retry window (Temporal's own text names timeouts only). */
export const OPENAI_TIMED_OUT = 'OpenAI did not answer within the retry window';

export interface PromptCandidate {
  promptId: string;
  source: 'user' | 'system';
}

export async function withPromptCandidates<T>(
  candidates: PromptCandidate[],
  run: (remaining: PromptCandidate[]) => Promise<T>,
): Promise<T> {
  if (candidates.length === 0) {
    throw ApplicationFailure.create({
      type: FailureType.NoPromptConfigured,
      message: 'No OpenAI prompt configured',
      nonRetryable: true,
    });
  }
  let remaining = [...candidates];
  for (;;) {
    try {
      return await run(remaining);
    } catch (error) {
      const missing = failureType(error) === FailureType.PromptNotFound ? failedPromptId(error) : undefined;
      const left = remaining.filter((candidate) => candidate.promptId !== missing);
      if (!missing || left.length === 0 || left.length === remaining.length) throw error;
      remaining = left;
    }
  }
}
