// Long OpenAI requests heartbeat, so that when a worker dies mid-request Temporal retries the activity on
// another worker after the workflow's heartbeatTimeout instead of waiting out the whole startToCloseTimeout.
import { Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 2_000;

/** Runs `fn` with periodic heartbeats; `signal` aborts when the activity is cancelled (or timed out). */
export async function heartbeating<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await fn(context.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
