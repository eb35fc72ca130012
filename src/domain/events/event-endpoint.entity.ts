import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import type { EventType } from './event-types.js';

/** Where an organization wants its events: a URL, the types it takes, and its signing secret (sealed). */
export const EventEndpoint = defineEntity({
  ...tenantTable('EventEndpoint', 'event_endpoints'),
  properties: {
    url: p.string().length(2048),
    events: p.json<EventType[]>(),
    description: p.string().length(500).nullable(),
    enabled: p.boolean().default(true),
    // `whsec_…`, sealed (src/domain/secrets/sealed.ts) and bound to this endpoint; never serialized.
    secretSealed: p.text().hidden(),
    // The first failed attempt since the last success: after 5 days of nothing but failures the endpoint is
    // disabled. Null while deliveries succeed.
    failingSince: p.datetime().nullable(),
    createdAt: p
      .datetime()
      .length(3)
      .onCreate(() => new Date()),
    updatedAt: updatedAt(),
  },
});

export type IEventEndpoint = InferEntity<typeof EventEndpoint>;
