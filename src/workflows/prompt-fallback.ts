// The prompt candidates of one analysis: the user's prompt first, then the system default. The OpenAI activity
// alternates between them while failures are transient (see activities/openai-retry.ts); a 404 for one prompt
// is definite for that prompt only: it is dropped and the activity runs again with the others.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FailureType } from '../temporal/failure-types.js';

export interface PromptCandidate {
  promptId: string;
  source: 'user' | 'system';
}

function applicationCause(error: unknown): ApplicationFailure | undefined {
  let current: unknown = error;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  return current instanceof ApplicationFailure ? current : undefined;
}

/** The failure's type (e.g. `PromptNotFound`), when an activity threw an application failure. */
export function failureType(error: unknown): string | undefined {
  return applicationCause(error)?.type ?? undefined;
}

/** The prompt id an OpenAI activity's failure was about (its details), if any. */
export function failedPromptId(error: unknown): string | undefined {
  const detail = applicationCause(error)?.details?.[0];
  return typeof detail === 'string' ? detail : undefined;
}

export async function withPromptCandidates<T>(
  candidates: PromptCandidate[],
  run: (remaining: PromptCandidate[]) => Promise<T>,
): Promise<T> {
  if (candidates.length === 0) {
    throw ApplicationFailure.create({ type: FailureType.NoPromptConfigured, message: 'No OpenAI prompt configured', nonRetryable: true });
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

/** A readable message from a workflow-side failure (the activity's own message, not the wrapper's). */
export function failureMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  if (current instanceof TimeoutFailure) return 'OpenAI did not answer within the retry window';
  return current instanceof Error ? current.message : String(current);
}
