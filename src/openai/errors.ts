// What can go wrong when running a prompt version, in terms the pipeline and the API act on.
// `retryable` drives Temporal's retry policy; a definite failure of one version (its model not found, its
// parameters rejected, output off its schema) moves the analysis to the next prompt of its resolution line.

export class OpenAIRequestError extends Error {
  constructor(
    message: string,
    readonly kind:
      | 'not_configured'
      | 'model_not_found'
      | 'rate_limited'
      | 'unavailable'
      | 'unauthorized'
      | 'bad_request'
      | 'invalid_output',
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    /** OpenAI's HTTP status, when it answered (kept apart from the message, which may carry upstream detail). */
    readonly status?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class OpenAINotConfiguredError extends OpenAIRequestError {
  constructor() {
    super(
      'OpenAI is not configured: set OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server)',
      'not_configured',
      false,
    );
  }
}

export class ModelNotFoundError extends OpenAIRequestError {
  constructor(readonly model: string) {
    super(`model ${model} not found`, 'model_not_found', false, undefined, 404);
  }
}

export class RateLimitedError extends OpenAIRequestError {
  constructor(message: string, retryAfterMs: number | undefined) {
    super(message, 'rate_limited', true, retryAfterMs, 429);
  }
}

export class OpenAIUnavailableError extends OpenAIRequestError {
  constructor(message: string, status?: number) {
    super(message, 'unavailable', true, undefined, status);
  }
}

export class OpenAIUnauthorizedError extends OpenAIRequestError {
  constructor(message: string, status?: number) {
    super(message, 'unauthorized', false, undefined, status);
  }
}

export class OpenAIBadRequestError extends OpenAIRequestError {
  constructor(message: string, status?: number) {
    super(message, 'bad_request', false, undefined, status);
  }
}

export class InvalidOutputError extends OpenAIRequestError {
  constructor(message: string) {
    super(message, 'invalid_output', false);
  }
}

/** Kinds that are definite for one prompt version: the next prompt in the resolution line runs instead. */
export const DEFINITE_FOR_VERSION: ReadonlySet<OpenAIRequestError['kind']> = new Set([
  'model_not_found',
  'bad_request',
  'invalid_output',
]);

/** Parses `Retry-After` (seconds or an HTTP date) or `retry-after-ms` into milliseconds. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
