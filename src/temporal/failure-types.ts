// Names of the failures activities throw and workflows act on, and how workflow code reads a failure.
// Pure and workflow-safe: imported by activities, activity options and workflow code alike.
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure } from '@temporalio/common';

export const FailureType = {
  /** Definite for one prompt version (its model not found, its parameters rejected, output off its schema). */
  PromptVersionUnusable: 'PromptVersionUnusable',
  ModelNotFound: 'ModelNotFound',
  RateLimited: 'RateLimited',
  OpenAIUnavailable: 'OpenAIUnavailable',
  OpenAIUnauthorized: 'OpenAIUnauthorized',
  OpenAIBadRequest: 'OpenAIBadRequest',
  OpenAINotConfigured: 'OpenAINotConfigured',
  InvalidOutput: 'InvalidOutput',
  /** The analysis had no prompt to try (neither the user's nor a system default). */
  NoPromptConfigured: 'NoPromptConfigured',
  /** Transient OpenAI failures lasted longer than OPENAI_RETRY_WINDOW_SECONDS. */
  OpenAIRetryWindowExceeded: 'OpenAIRetryWindowExceeded',
  /** PostgreSQL could not be used right now: retried, never counted against OpenAI's window. */
  DatabaseUnavailable: 'DatabaseUnavailable',
  /** PostgreSQL refused the data (SQLSTATE class 22 or 23): retrying cannot help. */
  DataError: 'DataError',
  CallNotFound: 'CallNotFound',
  /** The organization has as many OpenAI requests in flight as it may: tried again shortly, costs no try. */
  OrganizationBusy: 'OrganizationBusy',
  /** The organization's daily OpenAI token budget is spent: tried again when the next UTC day starts. */
  BudgetExhausted: 'BudgetExhausted',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/** Failures no retry can fix: the analysis (or fold) ends at once (the activities' `nonRetryableErrorTypes`). */
export const DEFINITE_FAILURE_TYPES: FailureTypeName[] = [
  FailureType.PromptVersionUnusable,
  FailureType.ModelNotFound,
  FailureType.InvalidOutput,
  FailureType.OpenAINotConfigured,
  FailureType.OpenAIUnauthorized,
  FailureType.OpenAIBadRequest,
  FailureType.NoPromptConfigured,
  FailureType.OpenAIRetryWindowExceeded,
  FailureType.DataError,
  FailureType.CallNotFound,
];

/** The failure under Temporal's wrappers (an activity's or child workflow's failure as the caller sees it). */
function innermost(error: unknown): unknown {
  let current = error;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
    current = current.cause;
  }
  return current;
}

/** The failure's type (e.g. `PromptVersionUnusable`), when an activity threw an application failure. */
export function failureType(error: unknown): string | undefined {
  const cause = innermost(error);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The prompt version (`prm_x@3`) an OpenAI activity's failure was about (its details), if any. */
export function failedPromptKey(error: unknown): string | undefined {
  const cause = innermost(error);
  const detail = cause instanceof ApplicationFailure ? cause.details?.[0] : undefined;
  return typeof detail === 'string' ? detail : undefined;
}

/**
 * A readable message from a workflow-side failure: the activity's (or child's) own message, not the wrapper's.
 * `timedOut` replaces Temporal's text when the step ran out of time (e.g. an OpenAI step's retry window).
 */
export function failureMessage(error: unknown, timedOut?: string): string {
  const cause = innermost(error);
  if (timedOut !== undefined && cause instanceof TimeoutFailure) return timedOut;
  return cause instanceof Error ? cause.message : String(cause);
}
