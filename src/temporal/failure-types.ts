// Names of the failures activities throw and workflows act on. Pure: imported by workflow code too.
export const FailureType = {
  PromptNotFound: 'PromptNotFound',
  RateLimited: 'RateLimited',
  OpenAIUnavailable: 'OpenAIUnavailable',
  OpenAIUnauthorized: 'OpenAIUnauthorized',
  OpenAIBadRequest: 'OpenAIBadRequest',
  OpenAINotConfigured: 'OpenAINotConfigured',
  InvalidOutput: 'InvalidOutput',
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
} as const;

/** Failures no retry can fix: the analysis (or fold) ends at once. */
export const DEFINITE_FAILURE_TYPES: string[] = [
  FailureType.PromptNotFound,
  FailureType.InvalidOutput,
  FailureType.OpenAINotConfigured,
  FailureType.OpenAIUnauthorized,
  FailureType.OpenAIBadRequest,
  FailureType.NoPromptConfigured,
  FailureType.OpenAIRetryWindowExceeded,
  FailureType.DataError,
  FailureType.CallNotFound,
];
