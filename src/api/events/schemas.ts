// The shapes of the outbound-event routes (contract: "Outbound events").
import { Type } from 'typebox';
import { DELIVERY_STATUSES, EVENT_TYPES } from '../../domain/events/event-types.js';
import type { IEventDelivery } from '../../domain/events/event-delivery.entity.js';
import type { IEventEndpoint } from '../../domain/events/event-endpoint.entity.js';
import { IsoDateTime, Nullable, NullableString } from '../schemas/common.js';

const EventTypes = Type.Array(Type.Enum(EVENT_TYPES), { minItems: 1, maxItems: EVENT_TYPES.length, uniqueItems: true });
const Url = Type.String({ minLength: 1, maxLength: 2048 });

export const EndpointSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.Enum(EVENT_TYPES)),
  description: Nullable(Type.String()),
  enabled: Type.Boolean(),
  createdAt: IsoDateTime,
});

export const CreatedEndpointSchema = Type.Object({
  ...EndpointSchema.properties,
  secret: Type.String({ description: 'whsec_…: shown only in this answer and on rotation' }),
});

export const CreateEndpointBody = Type.Object(
  { url: Url, events: EventTypes, description: Type.Optional(NullableString({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(EventTypes),
    description: Type.Optional(NullableString({ maxLength: 500 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const DeliverySchema = Type.Object({
  id: Type.String({ description: 'The webhook-id of every attempt' }),
  type: Type.Enum(EVENT_TYPES),
  status: Type.Enum(DELIVERY_STATUSES),
  attempts: Type.Integer(),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: IsoDateTime,
  deliveredAt: Nullable(IsoDateTime),
});

export const DeliveryQuery = {
  status: Type.Optional(Type.Enum(DELIVERY_STATUSES)),
};

export function toEndpointDto(endpoint: IEventEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description ?? null,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

export function toDeliveryDto(delivery: IEventDelivery) {
  return {
    id: delivery.id,
    type: delivery.type,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode ?? null,
    lastError: delivery.lastError ?? null,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  };
}
