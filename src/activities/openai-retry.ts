// How an OpenAI activity retries (one activity, retried by Temporal, so the workflow history does not grow with
// the attempts): transient failures are retried with capped exponential backoff — or after `Retry-After` for a
// 429 — until the analysis's retry window ends; the first prompt of the resolution line keeps priority, the next
// one gets every third try; a failure that is definite for one prompt version ends the activity with that
// version's key, so the workflow moves on to the next prompt; database trouble is retried apart from OpenAI's
// window.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { DEFINITE_FOR_VERSION, OpenAIRequestError } from '../openai/errors.js';
import type { PromptCandidate } from '../domain/prompts/prompt-resolver.js';
import { FailureType } from '../temporal/failure-types.js';
import { dataFailure, isDataError, logRetry, plainOpenAIMessage, toApplicationFailure } from './failures.js';
import type { WorkerMetrics } from '../observability/metrics.js';

/** Carried in the activity input (plain numbers, chosen by the workflow when the analysis began). */
export interface RetryWindow {
  /** Epoch ms after which a transient failure ends the analysis. */
  deadlineMs: number;
  windowSeconds: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Of every three tries, the first two go to the first candidate, the third to the next in line. */
export function candidateForAttempt(candidates: PromptCandidate[], attempt: number): PromptCandidate {
  if (candidates.length === 0) throw new Error('No prompt candidates');
  if (candidates.length === 1) return candidates[0]!;
  return (attempt - 1) % 3 === 2 ? candidates[1]! : candidates[0]!;
}

/** Counts and logs a try that runs another prompt than the one first in line (why: `reason`). */
export function noteFallback(
  kind: 'individual' | 'complete',
  fallingBack: boolean,
  reason: 'definite' | 'transient',
  metrics: WorkerMetrics | undefined,
): void {
  if (!fallingBack) return;
  metrics?.recordFallback(kind, reason);
  Context.current().log.info('running a later prompt of the resolution line', { kind, reason });
}

function backoffMs(window: RetryWindow, attempt: number): number {
  return Math.min(window.maxBackoffMs, window.initialBackoffMs * 2 ** Math.min(30, attempt - 1));
}

/**
 * The failure to throw for an error of the OpenAI request for the version `promptKey` (`prm_x@3`, carried as
 * the failure's details, so the workflow knows which candidate a definite failure was for).
 */
export function openAIFailure(
  error: unknown,
  window: RetryWindow,
  promptKey: string,
  attempt = Context.current().info.attempt,
): unknown {
  const failure = toApplicationFailure(error);
  if (!(failure instanceof ApplicationFailure) || !(error instanceof OpenAIRequestError)) return failure;
  logRetry(error);
  const message = plainOpenAIMessage(error);
  if (!error.retryable)
    return ApplicationFailure.create({
      type: DEFINITE_FOR_VERSION.has(error.kind) ? FailureType.PromptVersionUnusable : (failure.type ?? undefined),
      message,
      nonRetryable: true,
      details: [promptKey],
    });
  const now = Date.now();
  if (now >= window.deadlineMs) {
    return ApplicationFailure.create({
      type: FailureType.OpenAIRetryWindowExceeded,
      message: `OpenAI kept failing for the whole retry window (${window.windowSeconds} s); last error: ${message}`,
      nonRetryable: true,
      details: [promptKey],
    });
  }
  // A 429 waits as long as OpenAI asks (time, not tries, is the budget); the last try lands on the deadline.
  const delay = Math.min(error.retryAfterMs ?? backoffMs(window, attempt), Math.max(1, window.deadlineMs - now));
  return ApplicationFailure.create({
    type: failure.type ?? undefined,
    message,
    nonRetryable: false,
    nextRetryDelay: delay,
    details: [promptKey],
  });
}

/** The failure to throw when PostgreSQL failed inside an OpenAI activity: retried without touching the window. */
export function databaseFailure(
  error: unknown,
  what: string,
  window: RetryWindow,
  attempt = Context.current().info.attempt,
): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (isDataError(error)) return dataFailure(error, what);
  const mapped = toApplicationFailure(error);
  if (mapped !== error) return mapped;
  return ApplicationFailure.create({
    type: FailureType.DatabaseUnavailable,
    message: `${what}: the database is unavailable`,
    nonRetryable: false,
    nextRetryDelay: Math.min(backoffMs(window, attempt), 30_000),
  });
}
