// Admin routes for the users of the admin's own organization, its webhook secret, its audit trail.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { User } from '../../domain/accounts/user.entity.js';
import { AccountError, createUser, deleteUser, updateUser } from '../../domain/accounts/users.js';
import { rotateWebhookSecret } from '../../domain/accounts/webhook-secret.js';
import { openWebhookSecret } from '../../domain/accounts/webhook-secret-sealing.js';
import { AUDIT_ACTIONS, AuditEvent, type IAuditEvent } from '../../domain/audit/index.js';
import { recordRequestAudit } from '../audit.js';
import { conflict, notFound } from '../plugins/errors.js';
import { errorResponses, isUuid, UserIdParams } from '../schemas/common.js';
import { Email, Name, Password, RoleSchema, UserSchema, toUserDto } from '../schemas/accounts.js';
import { PageQuery, findPage, pageOf } from '../pagination.js';
import { tagRoutes } from '../plugins/route-groups.js';
import { OPTIONAL_BODY } from '../plugins/swagger.js';

const asHttp = (error: unknown) => (error instanceof AccountError ? conflict(error.message) : error);

const AuditItem = Type.Object({
  id: Type.String(),
  actor: Type.Union([Type.Object({ id: Type.String(), email: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  details: Type.Object({}, { additionalProperties: true }),
  at: Type.String({ format: 'date-time' }),
});

function toAuditDto(event: IAuditEvent) {
  return {
    id: event.id,
    actor: event.actorId ? { id: event.actorId, email: event.actorEmail ?? null } : null,
    action: event.action,
    target: event.targetType && event.targetId ? { type: event.targetType, id: event.targetId } : null,
    details: event.details,
    at: event.at.toISOString(),
  };
}

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  // Registered in the admin group (a valid token, then the admin role); the tenant filter keeps them inside the
  // organization.
  tagRoutes(app, 'admin');
  const WebhookSecret = Type.Object({ webhookSecret: Type.String() });
  const actorOf = (request: { auth: { userId: string; email: string } }) => ({
    id: request.auth.userId,
    email: request.auth.email,
  });

  app.get(
    '/users',
    {
      schema: { response: { 200: Type.Array(UserSchema) } },
    },
    async (request) => {
      const users = await request.em.find(User, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return users.map(toUserDto);
    },
  );

  app.post(
    '/users',
    {
      schema: {
        body: Type.Object(
          {
            email: Email,
            password: Password,
            role: RoleSchema,
            firstName: Type.Optional(Name),
            lastName: Type.Optional(Name),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserSchema, ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const user = await createUser(request.em, request.auth.organizationId, request.body, actorOf(request)).catch(
        (error: unknown) => {
          throw asHttp(error);
        },
      );
      return reply.status(201).send(toUserDto(user));
    },
  );

  app.patch(
    '/users/:userId',
    {
      schema: {
        params: UserIdParams,
        body: Type.Object(
          {
            role: Type.Optional(RoleSchema),
            firstName: Type.Optional(Type.Union([Name, Type.Null()])),
            lastName: Type.Optional(Type.Union([Name, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: UserSchema,
          ...errorResponses(400, 404, 409),
        },
      },
    },
    async (request) => {
      const { userId } = request.params;
      const user = isUuid(userId)
        ? await updateUser(request.em, userId, request.body, actorOf(request)).catch((error: unknown) => {
            throw asHttp(error);
          })
        : null;
      if (!user) throw notFound('User');
      return toUserDto(user);
    },
  );

  app.delete(
    '/users/:userId',
    {
      schema: {
        params: UserIdParams,
        response: { 204: Type.Null(), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const deleted = isUuid(userId)
        ? await deleteUser(request.em, userId, actorOf(request)).catch((error: unknown) => {
            throw asHttp(error);
          })
        : false;
      if (!deleted) throw notFound('User');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        summary: "The organization's audit trail, newest first",
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: pageOf(AuditItem), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return findPage(request.em, AuditEvent, {}, { limit, cursor }, toAuditDto, { property: 'at', column: 'at' });
    },
  );

  app.get(
    '/webhook-secret',
    {
      schema: { response: { 200: WebhookSecret } },
    },
    async (request) => {
      const { organizationId } = request.auth;
      const org = await request.em.findOneOrFail(
        Organization,
        { id: organizationId },
        { fields: ['id', 'webhookSecret'] },
      );
      const webhookSecret = openWebhookSecret(deps.config.encryption, organizationId, org.webhookSecret);
      // Whoever saw the secret can sign deliveries: after a leak, the trail says who could have.
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.webhookSecretShown,
        target: { type: 'organization', id: organizationId },
      });
      await request.em.flush();
      return { webhookSecret };
    },
  );

  app.post(
    '/webhook-secret/rotate',
    {
      schema: {
        summary:
          'A new webhook secret; the previous one keeps working until previousSecretValidUntil ' +
          '(revokePrevious: it stops at once, for a leaked secret)',
        body: Type.Object({ revokePrevious: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        [OPTIONAL_BODY]: true,
        response: {
          200: Type.Object({
            webhookSecret: Type.String(),
            previousSecretValidUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          }),
          ...errorResponses(400),
        },
      },
      // A rotation without a body (what clients sent before revokePrevious existed) keeps the grace window.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const rotated = await rotateWebhookSecret(
        request.em,
        deps.config.encryption,
        request.auth.organizationId,
        { graceSeconds: deps.config.webhookSecretGraceSeconds, revokePrevious: request.body.revokePrevious },
        actorOf(request),
      );
      return {
        webhookSecret: rotated.webhookSecret,
        previousSecretValidUntil: rotated.previousSecretValidUntil?.toISOString() ?? null,
      };
    },
  );
};

export default routes;
