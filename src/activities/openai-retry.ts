// How an OpenAI activity retries (one activity, retried by Temporal, so the workflow history does not grow with
// the attempts): transient failures are retried with capped exponential backoff — or after `Retry-After` for a
// 429 — until the analysis's retry window ends; the user's prompt keeps priority, the system default gets every
// third try; database trouble is retried apart from OpenAI's window.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { OpenAIRequestError } from '../openai/errors.js';
import type { ResolvedPrompt } from '../domain/prompts/prompt-resolver.js';
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

/** Of every three tries, the first two go to the first candidate (the user's prompt), the third to the next. */
export function candidateForAttempt(candidates: ResolvedPrompt[], attempt: number): ResolvedPrompt {
  if (candidates.length === 0) throw new Error('No prompt candidates');
  if (candidates.length === 1) return candidates[0]!;
  return (attempt - 1) % 3 === 2 ? candidates[1]! : candidates[0]!;
}

/**
 * Counts and logs a try that runs the system prompt although the user configured their own: because their
 * prompt does not exist (OpenAI's 404 dropped it), or because it keeps failing transiently.
 */
export function noteFallback(
  input: { candidates: ResolvedPrompt[]; userPromptConfigured: boolean },
  chosen: ResolvedPrompt,
  kind: 'individual' | 'complete',
  metrics: WorkerMetrics | undefined,
): void {
  if (!input.userPromptConfigured || chosen.source !== 'system') return;
  const reason = input.candidates[0]?.source === 'system' ? 'prompt_not_found' : 'retrying_user_prompt';
  metrics?.recordFallback(kind, reason);
  Context.current().log.info('falling back to the system prompt', { kind, reason, promptId: chosen.promptId });
}

function backoffMs(window: RetryWindow, attempt: number): number {
  return Math.min(window.maxBackoffMs, window.initialBackoffMs * 2 ** Math.min(30, attempt - 1));
}

/**
 * The failure to throw for an error of the OpenAI request for `promptId` (carried as the failure's details, so
 * the workflow knows which candidate a 404 was for).
 */
export function openAIFailure(
  error: unknown,
  window: RetryWindow,
  promptId: string,
  attempt = Context.current().info.attempt,
): unknown {
  const failure = toApplicationFailure(error);
  if (!(failure instanceof ApplicationFailure) || !(error instanceof OpenAIRequestError)) return failure;
  logRetry(error);
  const message = plainOpenAIMessage(error);
  if (!error.retryable)
    return ApplicationFailure.create({
      type: failure.type ?? undefined,
      message,
      nonRetryable: true,
      details: [promptId],
    });
  const now = Date.now();
  if (now >= window.deadlineMs) {
    return ApplicationFailure.create({
      type: FailureType.OpenAIRetryWindowExceeded,
      message: `OpenAI kept failing for the whole retry window (${window.windowSeconds} s); last error: ${message}`,
      nonRetryable: true,
      details: [promptId],
    });
  }
  // A 429 waits as long as OpenAI asks (time, not tries, is the budget); the last try lands on the deadline.
  const delay = Math.min(error.retryAfterMs ?? backoffMs(window, attempt), Math.max(1, window.deadlineMs - now));
  return ApplicationFailure.create({
    type: failure.type ?? undefined,
    message,
    nonRetryable: false,
    nextRetryDelay: delay,
    details: [promptId],
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
