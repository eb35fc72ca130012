// Admin routes of CONTRACT §3 "Accounts": users of the admin's own organization, and its webhook secret.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { User } from '../../domain/accounts/user.entity.js';
import { hashPassword } from '../../domain/accounts/password.js';
import { newWebhookSecret } from '../../domain/accounts/webhook-secret.js';
import { conflict } from '../plugins/errors.js';
import { Email, ErrorSchema, Name, Password, RoleSchema, UserSchema, normalizeEmail, toUserDto } from '../accounts-schemas.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  // Every route here: a valid token, then the admin role. The tenant filter keeps them inside the organization.
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', app.requireAdmin);

  const secured = { tags: ['admin'], security: [{ bearerAuth: [] }] };
  const WebhookSecret = Type.Object({ webhookSecret: Type.String() });

  app.get('/users', {
    schema: { ...secured, response: { 200: Type.Array(UserSchema), 401: ErrorSchema, 403: ErrorSchema } },
  }, async (request) => {
    const users = await request.em.find(User, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return users.map(toUserDto);
  });

  app.post('/users', {
    schema: {
      ...secured,
      body: Type.Object({ email: Email, password: Password, role: RoleSchema, firstName: Type.Optional(Name), lastName: Type.Optional(Name) }, { additionalProperties: false }),
      response: { 201: UserSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema },
    },
  }, async (request, reply) => {
    const email = normalizeEmail(request.body.email);
    // Emails are unique across organizations (login is by email alone): check globally, then rely on the index.
    if (await deps.orm.em.fork().count(User, { email }, { filters: false })) throw conflict('An account with this email already exists');
    const user = request.em.create(User, {
      organization: request.auth.organizationId,
      email,
      passwordHash: await hashPassword(request.body.password),
      role: request.body.role,
      firstName: request.body.firstName ?? null,
      lastName: request.body.lastName ?? null,
    });
    await request.em.flush();
    return reply.status(201).send(toUserDto(user));
  });

  app.get('/webhook-secret', {
    schema: { ...secured, response: { 200: WebhookSecret, 401: ErrorSchema, 403: ErrorSchema } },
  }, async (request) => {
    const org = await request.em.findOneOrFail(Organization, { id: request.auth.organizationId }, { fields: ['id', 'webhookSecret'] });
    return { webhookSecret: org.webhookSecret };
  });

  app.post('/webhook-secret/rotate', {
    schema: { ...secured, response: { 200: WebhookSecret, 401: ErrorSchema, 403: ErrorSchema } },
  }, async (request) => {
    const webhookSecret = newWebhookSecret();
    await request.em.nativeUpdate(Organization, { id: request.auth.organizationId }, { webhookSecret });
    return { webhookSecret };
  });
};

export default routes;
