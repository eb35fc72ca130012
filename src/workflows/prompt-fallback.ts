// The prompt candidates of one analysis: its resolution line (the user's prompt, the organization default, the
// built-in). The OpenAI activity alternates between the first two while failures are transient (see
// activities/openai-retry.ts); a failure that is definite for one version drops that candidate, records why,
// and the activity runs again with the rest. When the last candidate fails that way, the analysis fails.
import { ApplicationFailure } from '@temporalio/workflow';
import type { PromptCandidate } from '../domain/prompts/prompt-resolver.js';
import { FailureType, failedPromptKey, failureMessage, failureType } from '../temporal/failure-types.js';

export { failedPromptKey, failureMessage, failureType };
export type { PromptCandidate };

/** The message of an OpenAI step that ran out of its retry window (Temporal's own text names timeouts only). */
export const OPENAI_TIMED_OUT = 'OpenAI did not answer within the retry window';

export const candidateKey = (candidate: Pick<PromptCandidate, 'promptId' | 'version'>) =>
  `${candidate.promptId}@${candidate.version}`;

export async function withPromptCandidates<T>(
  candidates: PromptCandidate[],
  fallbackReason: string | null,
  run: (remaining: PromptCandidate[], fallbackReason: string | null) => Promise<T>,
): Promise<T> {
  if (candidates.length === 0) {
    throw ApplicationFailure.create({
      type: FailureType.NoPromptConfigured,
      message: 'No prompt to run',
      nonRetryable: true,
    });
  }
  let remaining = [...candidates];
  let reason = fallbackReason;
  for (;;) {
    try {
      return await run(remaining, reason);
    } catch (error) {
      const unusable = failureType(error) === FailureType.PromptVersionUnusable ? failedPromptKey(error) : undefined;
      const left = remaining.filter((candidate) => candidateKey(candidate) !== unusable);
      if (!unusable || left.length === 0 || left.length === remaining.length) throw error;
      const why = failureMessage(error);
      reason = reason ? `${reason}; ${why}` : why;
      remaining = left;
    }
  }
}
