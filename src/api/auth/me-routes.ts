// GET /auth/me: the caller, as authentication loaded them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { UserSchema, toUserDto } from '../schemas/accounts.js';
import { tagRoutes } from '../plugins/route-groups.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app) => {
  tagRoutes(app, 'accounts');
  app.get(
    '/me',
    {
      schema: { response: { 200: UserSchema } },
    },
    async (request) => toUserDto(request.currentUser),
  );
};

export default routes;
