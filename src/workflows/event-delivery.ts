// eventDeliveryWorkflow (id event-delivery:<organizationId>:<endpointId>:<stream>): delivers one stream of one
// endpoint (a lead's events, or the endpoint's own pings) in order, one delivery at a time. The database is the
// queue: the workflow asks for the oldest pending delivery, waits until it is due (a durable timer, so a backoff
// of 10 hours survives restarts), and has one activity attempt it and record the outcome. Signals only say "look
// again"; a signal lost while nothing runs is made up for by the worker's relay. Ends after an idle spell.
import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { EventDeliveryActivities } from '../activities/event-delivery.js';
import { BOOKKEEPING_ACTIVITY_OPTIONS } from './activity-options.js';
import { DEFINITE_FAILURE_TYPES } from '../temporal/failure-types.js';

/** New or retried deliveries in the stream: look at the queue again. */
export const deliveriesPendingSignal = defineSignal('deliveriesPending');

export interface EventDeliveryInput {
  organizationId: string;
  endpointId: string;
  stream: string;
  /** How long the workflow waits for more with an empty queue before it completes. */
  idleMs?: number;
}

const ATTEMPTS_PER_RUN = 100;

export async function eventDeliveryWorkflow(input: EventDeliveryInput): Promise<{ attempts: number }> {
  const { nextEventDelivery } = proxyLocalActivities<EventDeliveryActivities>(BOOKKEEPING_ACTIVITY_OPTIONS);
  // One attempt is at most 10 s of HTTP; the heartbeat lets a dead worker's attempt be retried within seconds.
  // Retries here are for the worker or the database failing, never for the receiver's answer (recorded instead).
  const { attemptEventDelivery } = proxyActivities<EventDeliveryActivities>({
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '5 seconds',
    retry: {
      initialInterval: '1 second',
      maximumInterval: '30 seconds',
      nonRetryableErrorTypes: DEFINITE_FAILURE_TYPES,
    },
  });
  const ref = { organizationId: input.organizationId, endpointId: input.endpointId, stream: input.stream };
  const idleMs = input.idleMs ?? 60_000;
  let nudged = false;
  setHandler(deliveriesPendingSignal, () => {
    nudged = true;
  });

  let attempts = 0;
  for (;;) {
    nudged = false;
    const next = await nextEventDelivery(ref);
    if (!next) {
      if (!(await condition(() => nudged, idleMs))) return { attempts };
      continue;
    }
    if (next.waitMs > 0) {
      // Due later (backoff); a signal (say, a failed delivery retried by hand) makes it look again earlier.
      await condition(() => nudged, next.waitMs);
      continue;
    }
    await attemptEventDelivery({ ...ref, deliveryId: next.deliveryId });
    attempts++;
    if (attempts >= ATTEMPTS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof eventDeliveryWorkflow>(input);
    }
  }
}
