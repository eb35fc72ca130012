// GET /auth/me: the caller, as authentication loaded them, with their organization. POST /auth/logout and
// POST /auth/password: ending sessions before their tokens expire (see plugins/auth.ts for how a token is checked).
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import { hashPassword, verifyPassword } from '../../domain/accounts/password.js';
import { accountKey, loginBlockedSeconds, recordLoginFailure } from '../../domain/accounts/login-failures.js';
import { HttpError, badRequest } from '../plugins/errors.js';
import { errorResponses } from '../schemas/common.js';
import { MeSchema, Password, toUserDto } from '../schemas/accounts.js';
import { tagRoutes } from '../plugins/route-groups.js';

const PasswordChange = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password },
  { additionalProperties: false },
);

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'accounts');
  app.get(
    '/me',
    {
      schema: { response: { 200: MeSchema } },
    },
    async (request) => {
      const organization = request.currentOrganization;
      return {
        ...toUserDto(request.currentUser),
        organization: { id: organization.id, name: organization.name, demo: organization.demo },
      };
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        summary: 'End this session: the token stops working at once',
        response: { 204: Type.Null(), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const { jti, exp } = request.token;
      const em = deps.orm.em.fork();
      // Kept until the token would have expired anyway; older entries are only clutter, removed here.
      await em.execute(
        'insert into revoked_tokens (jti, user_id, expires_at) values (?, ?, to_timestamp(?)) on conflict do nothing',
        [jti, request.auth.userId, exp],
      );
      await em.execute(
        'delete from revoked_tokens where jti in (select jti from revoked_tokens where expires_at < now() limit 1000)',
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/password',
    {
      schema: {
        summary: "Change the caller's password: every other token of theirs stops working",
        body: PasswordChange,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { userId, email } = request.auth;
      const em = deps.orm.em.fork();
      // A stolen token must not become a way to guess the password: failures count like failed logins.
      const key = accountKey(email);
      const blocked = await loginBlockedSeconds(em, [key]);
      if (blocked > 0) {
        reply.header('retry-after', String(blocked));
        throw new HttpError(429, `Too many wrong passwords: try again in ${blocked} s`);
      }
      const user = await request.em.findOneOrFail(User, { id: userId }, { populate: ['passwordHash'] });
      if (!(await verifyPassword(request.body.currentPassword, user.passwordHash))) {
        await recordLoginFailure(em, { [key]: deps.loginRateLimit ?? 10 });
        const why = 'is not your current password';
        throw badRequest(`currentPassword ${why}`, { 'body.currentPassword': why });
      }
      // The version moves on: every token issued before stops working, except this one (kept by its id).
      user.passwordHash = await hashPassword(request.body.newPassword);
      user.tokenVersion += 1;
      user.passwordChangedByTokenId = request.token.jti;
      await request.em.flush();
      return reply.status(204).send(null);
    },
  );
};

export default routes;
