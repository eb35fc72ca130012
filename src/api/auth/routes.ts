// POST /auth/signup, POST /auth/login, GET /auth/me (CONTRACT §3 "Accounts").
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { User } from '../../domain/accounts/user.entity.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../domain/accounts/password.js';
import { newWebhookSecret } from '../../domain/accounts/webhook-secret.js';
import { conflict, unauthorized } from '../plugins/errors.js';
import { Email, ErrorSchema, Name, OrganizationSchema, Password, UserSchema, normalizeEmail, toUserDto } from '../accounts-schemas.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  app.post('/signup', {
    schema: {
      tags: ['accounts'],
      summary: 'Create an organization with its first admin',
      body: Type.Object({
        organizationName: Type.String({ minLength: 1, maxLength: 200 }),
        email: Email,
        password: Password,
        firstName: Type.Optional(Name),
        lastName: Type.Optional(Name),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ token: Type.String(), user: UserSchema, organization: OrganizationSchema }), 400: ErrorSchema, 409: ErrorSchema },
    },
  }, async (request, reply) => {
    const body = request.body;
    const email = normalizeEmail(body.email);
    // Signing up creates a tenant, so no tenant context exists yet: filters are off for this one check.
    const em = deps.orm.em.fork();
    if (await em.count(User, { email }, { filters: false })) throw conflict('An account with this email already exists');
    const organization = em.create(Organization, { name: body.organizationName.trim(), webhookSecret: newWebhookSecret() });
    const user = em.create(User, {
      organization: organization.id,
      email,
      passwordHash: await hashPassword(body.password),
      role: 'admin',
      firstName: body.firstName ?? null,
      lastName: body.lastName ?? null,
    });
    await em.flush(); // a concurrent signup with the same email hits the unique index: 409 via the error handler
    const token = app.signToken({ sub: user.id, org: organization.id, role: user.role });
    return reply.status(201).send({ token, user: toUserDto(user), organization: { id: organization.id, name: organization.name } });
  });

  app.post('/login', {
    config: {
      rateLimit: {
        max: deps.loginRateLimit ?? 30,
        timeWindow: '1 minute',
        // The key reads the body's email, so count once the body is parsed (the default onRequest sees no body).
        hook: 'preValidation',
        keyGenerator: (request) => `${request.ip}:${normalizeEmail(String((request.body as { email?: unknown } | undefined)?.email ?? ''))}`,
      },
    },
    schema: {
      tags: ['accounts'],
      summary: 'Exchange email and password for a token',
      body: Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ token: Type.String(), user: UserSchema }), 401: ErrorSchema, 429: ErrorSchema },
    },
  }, async (request) => {
    const em = deps.orm.em.fork();
    // Login finds the user before any tenant is known: filters are off for this lookup only.
    const user = await em.findOne(User, { email: normalizeEmail(request.body.email) }, { filters: false, populate: ['passwordHash'] });
    const ok = user ? await verifyPassword(request.body.password, user.passwordHash) : await verifyAgainstDummy(request.body.password);
    if (!user || !ok) throw unauthorized('Invalid email or password');
    return { token: app.signToken({ sub: user.id, org: user.organization, role: user.role }), user: toUserDto(user) };
  });

  app.get('/me', {
    onRequest: [app.authenticate],
    schema: { tags: ['accounts'], security: [{ bearerAuth: [] }], response: { 200: UserSchema, 401: ErrorSchema } },
  }, async (request) => {
    const user = await request.em.findOneOrFail(User, { id: request.auth.userId });
    return toUserDto(user);
  });
};

export default routes;
