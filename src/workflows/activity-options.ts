// Activity options shared by the workflows (pure: workflow code imports them).
import type { ActivityOptions } from '@temporalio/workflow';

/** Short database steps: retried until they succeed (PostgreSQL may be restarting). */
export const BOOKKEEPING_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
};

/** OpenAI activity tuning a workflow input may carry (starters, tests); the defaults suit OpenAI. */
export interface OpenAITuning {
  maximumAttempts?: number;
  initialIntervalMs?: number;
  /** The OpenAI client's request timeout (OPENAI_TIMEOUT_MS): an attempt must be allowed to outlast it. */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const ACTIVITY_MARGIN_MS = 30_000;

/**
 * Options for activities that call OpenAI. The SDK does not retry: this policy does, per prompt candidate.
 * They heartbeat while they wait, so a dead worker's attempt is retried within seconds, not minutes.
 */
export function openAIActivityOptions(tuning: OpenAITuning = {}): ActivityOptions {
  return {
    startToCloseTimeout: (tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + ACTIVITY_MARGIN_MS,
    heartbeatTimeout: '10 seconds',
    retry: {
      initialInterval: tuning.initialIntervalMs ?? 1000,
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: tuning.maximumAttempts ?? 5,
      nonRetryableErrorTypes: ['PromptNotFound', 'InvalidOutput', 'OpenAINotConfigured', 'OpenAIUnauthorized', 'OpenAIBadRequest', 'NoPromptConfigured'],
    },
  };
}
