// Activity options shared by the workflows (pure: workflow code imports them).
import { type ActivityOptions, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { DEFINITE_FAILURE_TYPES } from '../temporal/failure-types.js';
import type { RetryWindow } from '../activities/openai-retry.js';

/** Short database steps: retried until they succeed (PostgreSQL may be restarting); data errors end them. */
export const BOOKKEEPING_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: DEFINITE_FAILURE_TYPES },
};

/** The patch id that switched bookkeeping to local activities (older runs replay the task-queue ones). */
const LOCAL_BOOKKEEPING_PATCH = 'local-bookkeeping';

/**
 * Activities that runs begun after `patchId` take as local activities: in the worker that runs the workflow,
 * without a task-queue round trip each, with the same timeout and retries, recorded in the history as markers.
 * A worker lost mid-step loses the workflow task, and the step runs again on the next worker (so the steps must
 * be safe to repeat). Runs begun before the patch replay them as task-queue activities. Workflow code only.
 */
export function locallyAfterPatch<A extends object>(patchId: string, options: ActivityOptions) {
  if (patched(patchId)) return proxyLocalActivities<A>(options);
  return proxyActivities<A>(options);
}

/** A workflow's bookkeeping steps: short database writes, local since `local-bookkeeping`. */
export function bookkeepingActivities<A extends object>() {
  return locallyAfterPatch<A>(LOCAL_BOOKKEEPING_PATCH, BOOKKEEPING_ACTIVITY_OPTIONS);
}

/** OpenAI tuning a workflow input carries (the starters fill it from the configuration). */
export interface OpenAITuning {
  /** The OpenAI client's request timeout (OPENAI_TIMEOUT_MS): an attempt must be allowed to outlast it. */
  requestTimeoutMs?: number;
  /** OPENAI_RETRY_WINDOW_SECONDS: how long transient failures are retried for one analysis. */
  retryWindowSeconds?: number;
  initialBackoffMs?: number;
  /** OPENAI_RETRY_MAX_BACKOFF_SECONDS in ms: the longest pause between tries. */
  maxBackoffMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_WINDOW_SECONDS = 86_400;
const DEFAULT_INITIAL_BACKOFF_MS = 1000;
const DEFAULT_MAX_BACKOFF_MS = 300_000;
const ACTIVITY_MARGIN_MS = 30_000;
/** Beyond the window: room for database trouble after OpenAI's last try, before Temporal gives up the activity. */
const WINDOW_SLACK_MS = 15 * 60_000;

/** The retry window of an analysis that begins now (`nowMs` is the workflow's deterministic clock). */
export function retryWindowFrom(tuning: OpenAITuning = {}, nowMs: number): RetryWindow {
  const windowSeconds = tuning.retryWindowSeconds ?? DEFAULT_WINDOW_SECONDS;
  return {
    deadlineMs: nowMs + windowSeconds * 1000,
    windowSeconds,
    initialBackoffMs: tuning.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS,
    maxBackoffMs: tuning.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
  };
}

/**
 * Options for activities that call OpenAI. The SDK does not retry; Temporal retries the one activity, with the
 * delay the activity chooses (backoff or Retry-After), until it succeeds or throws a definite failure (which
 * it does once the window is over). Retries of one activity add no history events, so a day of retrying
 * keeps the history small. They heartbeat while they wait, so a dead worker's attempt is retried within seconds.
 */
export function openAIActivityOptions(tuning: OpenAITuning = {}): ActivityOptions {
  const requestTimeoutMs = tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxBackoffMs = tuning.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  return {
    startToCloseTimeout: requestTimeoutMs + ACTIVITY_MARGIN_MS,
    scheduleToCloseTimeout:
      (tuning.retryWindowSeconds ?? DEFAULT_WINDOW_SECONDS) * 1000 + requestTimeoutMs + WINDOW_SLACK_MS,
    heartbeatTimeout: '10 seconds',
    retry: {
      initialInterval: tuning.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS,
      backoffCoefficient: 2,
      maximumInterval: maxBackoffMs,
      nonRetryableErrorTypes: DEFINITE_FAILURE_TYPES,
    },
  };
}
