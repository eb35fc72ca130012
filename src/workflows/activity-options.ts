// Activity options shared by the workflows (pure: workflow code imports them).
import type { ActivityOptions } from '@temporalio/workflow';

/** Short database steps: retried until they succeed (PostgreSQL may be restarting). */
export const BOOKKEEPING_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
};

/** Retry tuning a workflow input may carry (tests, operators); the defaults suit OpenAI. */
export interface OpenAIRetryTuning {
  maximumAttempts?: number;
  initialIntervalMs?: number;
}

/**
 * Options for activities that call OpenAI. The SDK does not retry: this policy does, per prompt candidate.
 * They heartbeat while they wait, so a dead worker's attempt is retried within seconds, not minutes.
 */
export function openAIActivityOptions(tuning: OpenAIRetryTuning = {}): ActivityOptions {
  return {
    startToCloseTimeout: '3 minutes',
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
