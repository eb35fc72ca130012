// Activities of eventDeliveryWorkflow. `nextEventDelivery` reads the head of a stream's queue;
// `attemptEventDelivery` checks the URL again, signs, POSTs once and records the outcome. The receiver's answer
// never fails the activity (it is recorded, and the workflow waits out the backoff); only the worker or the
// database failing does, and Temporal then runs the attempt again with the same `webhook-id`. That is the one way
// a receiver can see a delivery twice: the POST went out, and its outcome was not recorded.
import { Context, log } from '@temporalio/activity';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { EventDelivery } from '../domain/events/event-delivery.entity.js';
import { EventEndpoint } from '../domain/events/event-endpoint.entity.js';
import { endpointSecret } from '../domain/events/endpoints.js';
import { checkEndpointUrl, EndpointUrlError } from '../domain/events/url-rules.js';
import { signedHeaders } from '../domain/events/signing.js';
import { postEvent, type AttemptOutcome } from '../domain/events/http-post.js';
import { retryDelayMs } from '../domain/events/backoff.js';
import { DISABLED_ERROR, disableFailingEndpoints } from '../domain/events/disable.js';
import { asBookkeeping } from './failures.js';
import { heartbeating } from './heartbeat.js';
import type { ActivityDeps } from './deps.js';

export interface StreamRef {
  organizationId: string;
  endpointId: string;
  stream: string;
}

/** What an attempt ended as (for the metrics): sent, to be retried, out of attempts, or nothing to do. */
export type AttemptResult = 'delivered' | 'retrying' | 'failed' | 'skipped';

export function createEventDeliveryActivities(deps: ActivityDeps) {
  const { orm, config, metrics } = deps;
  const delays = config.events.retryDelaysMs;

  /** Writes one attempt's outcome, guarded on the delivery still pending (nothing is counted twice). */
  async function recordOutcome(
    organizationId: string,
    delivery: { id: string; endpoint: string; attempts: number; roundAttempts: number },
    outcome: AttemptOutcome,
  ): Promise<AttemptResult> {
    const em = tenantEm(orm.em, organizationId);
    return em.transactional(async (tx) => {
      const now = new Date();
      const common = {
        attempts: delivery.attempts + 1,
        roundAttempts: delivery.roundAttempts + 1,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error?.slice(0, 500) ?? null,
        updatedAt: now,
      };
      if (outcome.ok) {
        const updated = await tx.nativeUpdate(
          EventDelivery,
          { id: delivery.id, status: 'pending' },
          { ...common, status: 'delivered', deliveredAt: now, nextAttemptAt: null },
        );
        await tx.nativeUpdate(EventEndpoint, { id: delivery.endpoint }, { failingSince: null });
        return updated ? 'delivered' : 'skipped';
      }
      const delay = retryDelayMs(delivery.roundAttempts + 1, delays);
      const updated = await tx.nativeUpdate(
        EventDelivery,
        { id: delivery.id, status: 'pending' },
        delay === null
          ? { ...common, status: 'failed', nextAttemptAt: null }
          : { ...common, nextAttemptAt: new Date(now.getTime() + delay) },
      );
      // The endpoint has been failing since its first failure after a success; 5 days of that disables it.
      await tx.execute(
        'update event_endpoints set failing_since = coalesce(failing_since, ?::timestamptz) where id = ?',
        [now.toISOString(), delivery.endpoint],
        'run',
      );
      const disabled = await disableFailingEndpoints(tx, { endpointId: delivery.endpoint, now });
      if (disabled.length) log.warn('event endpoint disabled: every delivery failed for 5 days', { organizationId });
      if (!updated) return 'skipped';
      return delay === null ? 'failed' : 'retrying';
    });
  }

  return {
    /** The oldest pending delivery of the stream and how long until it is due; null when the queue is empty. */
    async nextEventDelivery(ref: StreamRef): Promise<{ deliveryId: string; waitMs: number } | null> {
      return asBookkeeping('Reading the delivery queue', async () => {
        const em = tenantEm(orm.em, ref.organizationId);
        const next = await em.findOne(
          EventDelivery,
          { endpoint: ref.endpointId, stream: ref.stream, status: 'pending' },
          { fields: ['id', 'nextAttemptAt'], orderBy: { seq: 'asc' } },
        );
        if (!next) return null;
        const waitMs = next.nextAttemptAt ? Math.max(0, next.nextAttemptAt.getTime() - Date.now()) : 0;
        return { deliveryId: next.id, waitMs };
      });
    },

    /** One attempt of one delivery, its outcome recorded; safe to run again (a delivered row is left alone). */
    async attemptEventDelivery(ref: StreamRef & { deliveryId: string }): Promise<AttemptResult> {
      const em = tenantEm(orm.em, ref.organizationId);
      const delivery = await em.findOne(
        EventDelivery,
        { id: ref.deliveryId, status: 'pending' },
        { fields: ['id', 'endpoint', 'type', 'payload', 'attempts', 'roundAttempts', 'createdAt'] },
      );
      if (!delivery) return 'skipped';
      const endpoint = await em.findOne(EventEndpoint, { id: delivery.endpoint });
      if (!endpoint) return 'skipped';
      if (!endpoint.enabled) {
        await em.nativeUpdate(
          EventDelivery,
          { id: delivery.id, status: 'pending' },
          { status: 'failed', lastError: DISABLED_ERROR, nextAttemptAt: null, updatedAt: new Date() },
        );
        return 'failed';
      }

      const started = performance.now();
      let outcome: AttemptOutcome;
      try {
        // Checked again at every attempt: the name may resolve elsewhere now than when the endpoint was saved.
        const checked = await checkEndpointUrl(endpoint.url, { allowPrivate: config.events.allowPrivateUrls });
        const body = JSON.stringify(delivery.payload);
        const headers = signedHeaders(endpointSecret(config.encryption.key, endpoint), delivery.id, new Date(), body);
        outcome = await heartbeating((signal) =>
          postEvent({ url: checked.url, pinned: checked.pinned, headers, body, signal }),
        );
      } catch (error) {
        if (Context.current().cancellationSignal.aborted) throw error;
        const why =
          error instanceof EndpointUrlError
            ? `The URL ${error.message}`
            : 'The endpoint secret cannot be opened (the encryption key changed): rotate the secret';
        outcome = { ok: false, statusCode: null, error: why };
      }
      const seconds = (performance.now() - started) / 1000;

      const result = await asBookkeeping('Recording the delivery attempt', () =>
        recordOutcome(ref.organizationId, delivery, outcome),
      );
      if (result !== 'skipped') {
        const latency = result === 'delivered' ? (Date.now() - delivery.createdAt.getTime()) / 1000 : undefined;
        metrics?.recordEventDelivery(result, delivery.type, seconds, latency);
      }
      return result;
    },
  };
}

export type EventDeliveryActivities = ReturnType<typeof createEventDeliveryActivities>;
