// Maps OpenAI and domain errors onto Temporal failures, so the retry policy and the workflows can act on them.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { OpenAIRequestError } from '../openai/errors.js';
import { NoPromptConfiguredError } from '../domain/prompts/prompt-resolver.js';

/** Failure types the workflows look at (see workflows/prompt-fallback.ts). */
export const FailureType = {
  PromptNotFound: 'PromptNotFound',
  RateLimited: 'RateLimited',
  OpenAIUnavailable: 'OpenAIUnavailable',
  OpenAIUnauthorized: 'OpenAIUnauthorized',
  OpenAIBadRequest: 'OpenAIBadRequest',
  OpenAINotConfigured: 'OpenAINotConfigured',
  InvalidOutput: 'InvalidOutput',
  NoPromptConfigured: 'NoPromptConfigured',
} as const;

const TYPE_BY_KIND: Record<OpenAIRequestError['kind'], string> = {
  not_configured: FailureType.OpenAINotConfigured,
  prompt_not_found: FailureType.PromptNotFound,
  rate_limited: FailureType.RateLimited,
  unavailable: FailureType.OpenAIUnavailable,
  unauthorized: FailureType.OpenAIUnauthorized,
  bad_request: FailureType.OpenAIBadRequest,
  invalid_output: FailureType.InvalidOutput,
};

export function toApplicationFailure(error: unknown): unknown {
  if (error instanceof OpenAIRequestError) {
    return ApplicationFailure.create({
      type: TYPE_BY_KIND[error.kind],
      message: error.message,
      nonRetryable: !error.retryable,
      // 429: wait as long as OpenAI says, instead of the policy's backoff.
      ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
  if (error instanceof NoPromptConfiguredError) {
    return ApplicationFailure.create({ type: FailureType.NoPromptConfigured, message: error.message, nonRetryable: true });
  }
  return error;
}

/** Runs `fn`, rethrowing known errors as Temporal failures. */
export async function asActivity<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    logRetry(error);
    throw toApplicationFailure(error);
  }
}

/** Transient OpenAI failures are retried by Temporal: say so, with why and when (429: after Retry-After). */
function logRetry(error: unknown): void {
  if (!(error instanceof OpenAIRequestError) || !error.retryable) return;
  const { attempt } = Context.current().info;
  const message = error.kind === 'rate_limited' ? 'OpenAI rate limit (429): retrying' : 'OpenAI unavailable: retrying';
  Context.current().log.warn(message, { reason: error.kind, attempt, retryAfterMs: error.retryAfterMs ?? null });
}
