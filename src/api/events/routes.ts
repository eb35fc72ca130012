// Outbound events (admin only): the organization's endpoints, their deliveries, a test event, a retry by hand.
// Secrets go out once (creation and rotation) and are sealed at rest; every change is audited.
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { EventEndpoint, type IEventEndpoint } from '../../domain/events/event-endpoint.entity.js';
import { EventDelivery } from '../../domain/events/event-delivery.entity.js';
import { createEndpoint, rotateEndpointSecret } from '../../domain/events/endpoints.js';
import { checkEndpointUrl, EndpointUrlError } from '../../domain/events/url-rules.js';
import { insertDeliveries } from '../../domain/events/record-event.js';
import { failPendingDeliveries } from '../../domain/events/disable.js';
import { NO_LEAD_STREAM } from '../../domain/events/event-types.js';
import { signalEventDelivery } from '../../temporal/starters.js';
import { badRequest, conflict } from '../plugins/errors.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { recordRequestAudit } from '../audit.js';
import { findVisible } from '../visible-row.js';
import { PageQuery, findPage, pageOf } from '../pagination.js';
import { tagRoutes } from '../plugins/route-groups.js';
import {
  CreateEndpointBody,
  CreatedEndpointSchema,
  DeliveryQuery,
  DeliverySchema,
  EndpointSchema,
  UpdateEndpointBody,
  toDeliveryDto,
  toEndpointDto,
} from './schemas.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'events');
  const { config } = deps;

  /** The URL rules (400 naming why); the name is resolved now and again at every delivery. */
  async function checkedUrl(url: string): Promise<string> {
    try {
      await checkEndpointUrl(url, { allowPrivate: config.events.allowPrivateUrls });
      return url;
    } catch (error) {
      if (!(error instanceof EndpointUrlError)) throw error;
      throw badRequest(`The URL ${error.message}`, { 'body.url': error.message });
    }
  }

  /**
   * Hands the stream's new rows to its workflow now, rather than on the relay's next pass. Best effort: when
   * Temporal is away the rows stay undispatched and the relay hands them over later.
   */
  async function dispatch(request: FastifyRequest, organizationId: string, endpointId: string, stream: string) {
    try {
      await signalEventDelivery(deps.temporal.client, config, { organizationId, endpointId, stream });
      await request.em.nativeUpdate(
        EventDelivery,
        { endpoint: endpointId, stream, status: 'pending', dispatchedAt: null },
        { dispatchedAt: new Date() },
      );
    } catch (error) {
      request.log.warn({ err: error }, 'could not hand an event delivery to its workflow; the relay will');
    }
  }

  const findEndpoint = (request: FastifyRequest, id: string): Promise<IEventEndpoint> =>
    findVisible(request.em, EventEndpoint, id, 'Event endpoint');

  app.get(
    '/event-endpoints',
    { schema: { summary: "The organization's event endpoints", response: { 200: Type.Array(EndpointSchema) } } },
    async (request) => {
      const endpoints = await request.em.find(EventEndpoint, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return endpoints.map(toEndpointDto);
    },
  );

  app.post(
    '/event-endpoints',
    {
      schema: {
        summary: 'Add an event endpoint; its signing secret is in this answer only',
        body: CreateEndpointBody,
        response: { 201: CreatedEndpointSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { events, description } = request.body;
      const url = await checkedUrl(request.body.url);
      const id = randomUUID();
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.eventEndpointCreated,
        target: { type: 'event_endpoint', id },
        details: { url, events },
      });
      const { endpoint, secret } = await createEndpoint(request.em, config.encryption.key, {
        organizationId: request.auth.organizationId,
        id,
        url,
        events,
        description: description ?? null,
      });
      return reply.status(201).send({ ...toEndpointDto(endpoint), secret });
    },
  );

  app.patch(
    '/event-endpoints/:id',
    {
      schema: {
        summary: 'Change an event endpoint; disabling it fails its pending deliveries',
        params: IdParams,
        body: UpdateEndpointBody,
        response: { 200: EndpointSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const endpoint = await findEndpoint(request, request.params.id);
      const { url, events, description, enabled } = request.body;
      const changes: Partial<IEventEndpoint> = {};
      if (url !== undefined && url !== endpoint.url) changes.url = await checkedUrl(url);
      if (events !== undefined) changes.events = events;
      if (description !== undefined) changes.description = description;
      if (enabled !== undefined && enabled !== endpoint.enabled) {
        changes.enabled = enabled;
        // Re-enabled: the 5 days of failures start over.
        if (enabled) changes.failingSince = null;
      }
      request.em.assign(endpoint, changes);
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.eventEndpointChanged,
        target: { type: 'event_endpoint', id: endpoint.id },
        details: { ...changes },
      });
      await request.em.flush();
      if (changes.enabled === false) await failPendingDeliveries(request.em, endpoint.id);
      return toEndpointDto(endpoint);
    },
  );

  app.delete(
    '/event-endpoints/:id',
    {
      schema: {
        summary: 'Delete an event endpoint and its deliveries',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const endpoint = await findEndpoint(request, request.params.id);
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.eventEndpointDeleted,
        target: { type: 'event_endpoint', id: endpoint.id },
        details: { url: endpoint.url },
      });
      request.em.remove(endpoint);
      await request.em.flush();
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/event-endpoints/:id/rotate-secret',
    {
      schema: {
        summary: "Replace an endpoint's signing secret; the new one is in this answer only",
        params: IdParams,
        response: { 200: Type.Object({ secret: Type.String() }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const endpoint = await findEndpoint(request, request.params.id);
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.eventEndpointSecretRotated,
        target: { type: 'event_endpoint', id: endpoint.id },
      });
      return { secret: await rotateEndpointSecret(request.em, config.encryption.key, endpoint) };
    },
  );

  app.post(
    '/event-endpoints/:id/test',
    {
      schema: {
        summary: 'Send a `ping` event to the endpoint (whatever types it takes)',
        params: IdParams,
        response: { 202: Type.Object({ deliveryId: Type.String() }), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const endpoint = await findEndpoint(request, request.params.id);
      if (!endpoint.enabled) throw conflict('The endpoint is disabled: enable it first');
      const { organizationId } = request.auth;
      const [deliveryId] = await insertDeliveries(
        request.em,
        { organizationId, type: 'ping', factKey: `ping:${randomUUID()}`, leadId: null, data: {} },
        [endpoint.id],
      );
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.eventEndpointTested,
        target: { type: 'event_endpoint', id: endpoint.id },
        details: { deliveryId },
      });
      await request.em.flush();
      await dispatch(request, organizationId, endpoint.id, NO_LEAD_STREAM);
      return reply.status(202).send({ deliveryId: deliveryId! });
    },
  );

  app.get(
    '/event-endpoints/:id/deliveries',
    {
      schema: {
        summary: "An endpoint's deliveries, newest first",
        params: IdParams,
        querystring: Type.Object({ ...DeliveryQuery, ...PageQuery }, { additionalProperties: false }),
        response: { 200: pageOf(DeliverySchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const endpoint = await findEndpoint(request, request.params.id);
      const { status, limit, cursor } = request.query;
      return findPage(
        request.em,
        EventDelivery,
        { endpoint: endpoint.id, ...(status ? { status } : {}) },
        { limit, cursor },
        toDeliveryDto,
      );
    },
  );

  app.post(
    '/event-deliveries/:id/retry',
    {
      schema: {
        summary: 'Send a failed delivery again, with the same webhook-id',
        params: IdParams,
        response: { 202: Type.Object({ id: Type.String() }), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const delivery = await findVisible(request.em, EventDelivery, request.params.id, 'Event delivery');
      if (delivery.status !== 'failed')
        throw conflict(`Only a failed delivery can be retried (this one is ${delivery.status})`);
      const endpoint = await findEndpoint(request, delivery.endpoint);
      if (!endpoint.enabled) throw conflict('The endpoint is disabled: enable it first');
      // A fresh round of the backoff schedule; `attempts` keeps counting every attempt.
      await request.em.nativeUpdate(
        EventDelivery,
        { id: delivery.id, status: 'failed' },
        { status: 'pending', roundAttempts: 0, nextAttemptAt: new Date(), dispatchedAt: null },
      );
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.eventDeliveryRetried,
        target: { type: 'event_delivery', id: delivery.id },
        details: { endpointId: endpoint.id, type: delivery.type },
      });
      await request.em.flush();
      await dispatch(request, request.auth.organizationId, endpoint.id, delivery.stream);
      return reply.status(202).send({ id: delivery.id });
    },
  );
};

export default routes;
