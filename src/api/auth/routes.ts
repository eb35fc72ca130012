// POST /auth/signup, POST /auth/login: the routes that need no token. Failed logins are counted per account and per
// client address in PostgreSQL (domain/accounts/login-failures.ts); signups per address in memory (rate-limits.ts).
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../../domain/accounts/password.js';
import { AccountError, createOrganization } from '../../domain/accounts/users.js';
import { HttpError, conflict, forbidden, unauthorized } from '../plugins/errors.js';
import {
  accountKey,
  addressKey,
  clearLoginFailures,
  loginBlockedSeconds,
  recordLoginFailure,
} from '../../domain/accounts/login-failures.js';
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
      const token = app.signToken({ sub: user.id, org: organization.id, role: user.role, tv: user.tokenVersion });
      return reply
        .status(201)
        .send({ token, user: toUserDto(user), organization: { id: organization.id, name: organization.name } });
    },
  );

  const accountLimit = deps.loginRateLimit ?? 10;
  const addressLimit = deps.loginAddressRateLimit ?? 10;
  app.post(
    '/login',
    {
      schema: {
        summary: 'Exchange email and password for a token',
        body: LoginBody,
        response: { 200: Type.Object({ token: Type.String(), user: UserSchema }), ...errorResponses(401, 429) },
      },
    },
    async (request, reply) => {
      const em = deps.orm.em.fork();
      const email = normalizeEmail(request.body.email);
      const keys = { [accountKey(email)]: accountLimit, [addressKey(request.ip)]: addressLimit };
      // Failed logins of this account or from this address, counted in PostgreSQL (see login-failures.ts): while
      // either is blocked even the right password is refused, so guessing gains nothing from the block ending.
      const blocked = await loginBlockedSeconds(em, Object.keys(keys));
      if (blocked > 0) {
        reply.header('retry-after', String(blocked));
        throw new HttpError(429, `Too many failed logins: try again in ${blocked} s`);
      }
      // Login finds the user before any tenant is known: filters are off for this lookup only.
      const user = await em.findOne(User, { email }, { filters: false, populate: ['passwordHash'] });
      const ok = user
        ? await verifyPassword(request.body.password, user.passwordHash)
        : await verifyAgainstDummy(request.body.password);
      if (!user || !ok) {
        await recordLoginFailure(em, keys);
        throw unauthorized('Invalid email or password');
      }
      await clearLoginFailures(em, accountKey(email));
      // An older hash (scrypt, weaker parameters) is replaced now that the password is known.
      if (needsRehash(user.passwordHash)) {
        await em.nativeUpdate(
          User,
          { id: user.id },
          { passwordHash: await hashPassword(request.body.password) },
          { filters: false },
        );
      }
      const claims = { sub: user.id, org: user.organization, role: user.role, tv: user.tokenVersion };
      return { token: app.signToken(claims), user: toUserDto(user) };
    },
  );
};

export default routes;
