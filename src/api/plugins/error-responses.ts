// The error body is registered once, and every route with a response schema answers its 4xx and 5xx with it
// unless it declares something else for that status: the serializer and the OpenAPI document both see the
// same shape without each route listing it.
import fp from 'fastify-plugin';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ErrorRef, ErrorSchema } from '../schemas/common.js';

/** Adds the error body for the given statuses to a route's responses, keeping any the route declares. */
export function documentErrors(route: RouteOptions, statuses: readonly string[]): void {
  const response = route.schema?.response as Record<string, unknown> | undefined;
  if (!route.schema || !response) return;
  const defaults = Object.fromEntries(statuses.map((status) => [status, ErrorRef]));
  route.schema = { ...route.schema, response: { ...defaults, ...response } };
}

export default fp(
  async function errorResponses(app: FastifyInstance) {
    app.addSchema(ErrorSchema);
    app.addHook('onRoute', (route) => documentErrors(route, ['4xx', '5xx']));
  },
  { name: 'error-responses' },
);
