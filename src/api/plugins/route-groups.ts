// Route groups: whether a route needs a token (and the admin role) is said once, by the group it is
// registered in, never by the route. The group adds the hook that enforces it and the `security` of every
// route's OpenAPI schema, so the document cannot disagree with what is enforced.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { documentErrors } from './error-responses.js';

const BEARER = [{ bearerAuth: [] }];

function documentBearer(route: RouteOptions) {
  route.schema = { ...route.schema, security: BEARER };
  documentErrors(route, ['401']);
}

/** Call at the top of an encapsulated plugin: every route registered in it (and its children) needs a valid token. */
export function requireToken(group: FastifyInstance): void {
  group.addHook('onRoute', documentBearer);
  group.addHook('onRequest', group.authenticate);
}

/** Call inside an authenticated group's child plugin: its routes also need the admin role. */
export function requireAdminRole(group: FastifyInstance): void {
  group.addHook('onRoute', (route) => documentErrors(route, ['403']));
  group.addHook('onRequest', group.requireAdmin);
}

/** Lists every route registered in `group` under `tag` in the OpenAPI document. */
export function tagRoutes(group: FastifyInstance, tag: string): void {
  group.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, tags: [tag] };
  });
}
