// POST /auth/signup, POST /auth/login: the routes that need no token.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../../domain/accounts/password.js';
import { AccountError, createOrganization } from '../../domain/accounts/users.js';
import { conflict, forbidden, unauthorized } from '../plugins/errors.js';
import { errorResponses } from '../schemas/common.js';
import {
  LoginBody,
  OrganizationSchema,
  SignupBody,
  UserSchema,
  normalizeEmail,
  toUserDto,
} from '../schemas/accounts.js';
import { tagRoutes } from '../plugins/route-groups.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'accounts');
  app.post(
    '/signup',
    {
      onRequest: [app.signupRateLimit],
      schema: {
        summary: 'Create an organization with its first admin',
        body: SignupBody,
        response: {
          201: Type.Object({ token: Type.String(), user: UserSchema, organization: OrganizationSchema }),
          ...errorResponses(400, 403, 409, 429),
        },
      },
    },
    async (request, reply) => {
      if (deps.config.signupMode === 'closed')
        throw forbidden('Signup is closed on this server; ask its operator for an account');
      const body = request.body;
      // Signing up creates a tenant, so no tenant context exists yet: an unscoped fork, filters off for the email
      // check.
      const created = await createOrganization(
        deps.orm.em.fork(),
        {
          name: body.organizationName,
          admin: { email: body.email, password: body.password, firstName: body.firstName, lastName: body.lastName },
        },
        { keys: deps.config.encryption },
      ).catch((error: unknown) => {
        throw error instanceof AccountError ? conflict(error.message) : error;
      });
      const { organization, admin: user } = created;
      const token = app.signToken({ sub: user.id, org: organization.id, role: user.role });
      return reply
        .status(201)
        .send({ token, user: toUserDto(user), organization: { id: organization.id, name: organization.name } });
    },
  );

  app.post(
    '/login',
    {
      // Counted once the body is parsed: the per-account key reads its email.
      preValidation: [app.loginRateLimits],
      schema: {
        summary: 'Exchange email and password for a token',
        body: LoginBody,
        response: { 200: Type.Object({ token: Type.String(), user: UserSchema }), ...errorResponses(401, 429) },
      },
    },
    async (request) => {
      const em = deps.orm.em.fork();
      // Login finds the user before any tenant is known: filters are off for this lookup only.
      const user = await em.findOne(
        User,
        { email: normalizeEmail(request.body.email) },
        { filters: false, populate: ['passwordHash'] },
      );
      const ok = user
        ? await verifyPassword(request.body.password, user.passwordHash)
        : await verifyAgainstDummy(request.body.password);
      if (!user || !ok) throw unauthorized('Invalid email or password');
      // An older hash (scrypt, weaker parameters) is replaced now that the password is known.
      if (needsRehash(user.passwordHash)) {
        await em.nativeUpdate(
          User,
          { id: user.id },
          { passwordHash: await hashPassword(request.body.password) },
          { filters: false },
        );
      }
      return { token: app.signToken({ sub: user.id, org: user.organization, role: user.role }), user: toUserDto(user) };
    },
  );
};

export default routes;
