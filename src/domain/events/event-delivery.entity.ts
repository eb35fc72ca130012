import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { EventEndpoint } from './event-endpoint.entity.js';
import { DELIVERY_STATUSES, EVENT_TYPES } from './event-types.js';

/**
 * One event for one endpoint: the outbox row written in the transaction that records the fact, and the record of
 * its delivery. Its id is the `webhook-id` of every attempt. `(endpoint, factKey)` is unique, so a retried
 * activity that records the same fact again adds nothing.
 */
export const EventDelivery = defineEntity({
  ...tenantTable('EventDelivery', 'event_deliveries'),
  uniques: [{ properties: ['endpoint', 'factKey'] }],
  indexes: [
    // The deliveries of an endpoint, newest first (the list route and its cursor).
    { properties: ['endpoint', 'createdAt', 'id'] },
    // The queue of one (endpoint, stream), oldest first.
    { properties: ['endpoint', 'stream', 'status', 'seq'] },
    // The relay's two questions: what no workflow has been told about, and which pending rows are overdue.
    { properties: ['dispatchedAt'] },
    { properties: ['status', 'nextAttemptAt'] },
  ],
  properties: {
    endpoint: () => p.manyToOne(EventEndpoint).mapToPk().deleteRule('cascade'),
    type: p.enum(EVENT_TYPES),
    factKey: p.string().length(700),
    // The events of one lead reach an endpoint in order; `stream` is the lead id, or `endpoint` for events that
    // belong to no lead (ping).
    stream: p.string().length(64),
    // Insertion order: the order the facts were committed in.
    seq: p.bigint('number').autoincrement(),
    // The body as it is sent: { type, timestamp, data }, frozen when the fact was recorded.
    payload: p.json<Record<string, unknown>>(),
    status: p.enum(DELIVERY_STATUSES).default('pending'),
    attempts: p.integer().default(0),
    // Attempts in the current round: a manual retry starts the backoff schedule again.
    roundAttempts: p.integer().default(0).hidden(),
    lastStatusCode: p.integer().nullable(),
    lastError: p.string().length(500).nullable(),
    nextAttemptAt: p.datetime().nullable().hidden(),
    // When a delivery workflow was told about this row; null: the relay still has to hand it over.
    dispatchedAt: p.datetime().nullable().hidden(),
    createdAt: p
      .datetime()
      .length(3)
      .onCreate(() => new Date()),
    deliveredAt: p.datetime().nullable(),
    updatedAt: updatedAt(),
  },
});

export type IEventDelivery = InferEntity<typeof EventDelivery>;
