// Maps OpenAI, database and domain errors onto Temporal failures, so the retry policies and the workflows can
// act on them. Messages that reach a call's `error` are plain: no hosts, ports, SQL or upstream bodies.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { OpenAIRequestError } from '../openai/errors.js';
import { publicOpenAIMessage } from '../openai/public-message.js';
import { FailureType } from '../temporal/failure-types.js';
import { sqlStateOf } from '../db/sql-state.js';

const TYPE_BY_KIND: Record<OpenAIRequestError['kind'], string> = {
  not_configured: FailureType.OpenAINotConfigured,
  model_not_found: FailureType.ModelNotFound,
  rate_limited: FailureType.RateLimited,
  unavailable: FailureType.OpenAIUnavailable,
  unauthorized: FailureType.OpenAIUnauthorized,
  bad_request: FailureType.OpenAIBadRequest,
  invalid_output: FailureType.InvalidOutput,
};

/** What a person may read about an OpenAI failure (the SDK's text can carry organization ids or key fragments). */
export function plainOpenAIMessage(error: OpenAIRequestError): string {
  switch (error.kind) {
    case 'not_configured':
    case 'model_not_found':
    case 'invalid_output':
      return error.message;
    case 'rate_limited':
      return 'OpenAI rate limit (429)';
    case 'unavailable':
      return error.status
        ? `OpenAI error ${error.status}`
        : 'OpenAI could not be reached (connection failed or timed out)';
    case 'unauthorized':
      return `OpenAI rejected the API key (${error.status ?? 401})`;
    case 'bad_request':
      // OpenAI names the parameter it refused; scrubbed, that says why the prompt version cannot run.
      return `OpenAI rejected the request (${error.status ?? 400}): ${publicOpenAIMessage(error)
        .replace(/^OpenAI rejected the request \(\d+\): /, '')
        .slice(0, 300)}`;
  }
}

export class CallNotFoundError extends Error {
  constructor() {
    super('Call not found (it was deleted)');
  }
}

/** Class 22 (data exception: value too long, NUL in text, bad encoding) and 23 (integrity constraint). */
export function isDataError(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

/** A data error as a definite failure with a message for a person; the raw text goes to the log only. */
export function dataFailure(error: unknown, what: string): ApplicationFailure {
  log.warn(`${what}: PostgreSQL refused the data`, { sqlState: sqlStateOf(error), error: (error as Error)?.message });
  return ApplicationFailure.create({
    type: FailureType.DataError,
    message: `${what}: the database refused the data (SQLSTATE ${sqlStateOf(error)})`,
    nonRetryable: true,
  });
}

export function toApplicationFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof OpenAIRequestError) {
    if (error.kind !== 'invalid_output')
      log.warn('OpenAI request failed', { kind: error.kind, status: error.status, error: error.message });
    return ApplicationFailure.create({
      type: TYPE_BY_KIND[error.kind],
      message: plainOpenAIMessage(error),
      nonRetryable: !error.retryable,
      // 429: wait as long as OpenAI says, instead of the policy's backoff.
      ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
  if (error instanceof CallNotFoundError) {
    return ApplicationFailure.create({ type: FailureType.CallNotFound, message: error.message, nonRetryable: true });
  }
  return error;
}

/**
 * For bookkeeping activities (retried until PostgreSQL is back): a data error is definite and ends the
 * analysis with a clear message instead of being retried forever; a missing call is definite too.
 */
export async function asBookkeeping<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isDataError(error)) throw dataFailure(error, what);
    throw toApplicationFailure(error);
  }
}

/** Transient OpenAI failures are retried by Temporal: say so, with why and when (429: after Retry-After). */
export function logRetry(error: unknown): void {
  if (!(error instanceof OpenAIRequestError) || !error.retryable) return;
  const { attempt } = Context.current().info;
  const message = error.kind === 'rate_limited' ? 'OpenAI rate limit (429): retrying' : 'OpenAI unavailable: retrying';
  Context.current().log.warn(message, { reason: error.kind, attempt, retryAfterMs: error.retryAfterMs ?? null });
}
