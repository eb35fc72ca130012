// GET|PUT|DELETE /admin/integrations/retell and /admin/integrations/vapi (admin only): the organization's
// connection to a voice platform. Credentials go in whole and come out as their last 4 characters only.
import { Type, type TSchema } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { Integration, type IIntegration, type Provider } from '../../domain/integrations/integration.entity.js';
import { findIntegration, foreignUserIds, saveIntegration } from '../../domain/integrations/settings.js';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { badRequest, unprocessable } from '../plugins/errors.js';
import { errorResponses, Nullable, NullableString } from '../schemas/common.js';
import { recordRequestAudit } from '../audit.js';
import { tagRoutes } from '../plugins/route-groups.js';

/**
 * How each provider names its credential and its id→user map, in requests and answers. A Vapi secret is the whole
 * proof of a delivery (no signature, no timestamp), so it must be long enough not to be guessed.
 */
const SHAPES = {
  retell: { credential: 'apiKey', minLength: 8, last4: 'apiKeyLast4', map: 'agentUsers', mapKey: 'agent_id' },
  vapi: { credential: 'secret', minLength: 24, last4: 'secretLast4', map: 'assistantUsers', mapKey: 'assistantId' },
} as const satisfies Record<
  Provider,
  { credential: string; minLength: number; last4: string; map: string; mapKey: string }
>;

function providerWebhookUrl(publicUrl: string, provider: Provider, organizationId: string): string {
  return `${publicUrl}/api/webhooks/${provider}/${organizationId}`;
}

const UserMap = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 64 }), {
  maxProperties: 1000,
});

function answerSchema(provider: Provider): TSchema {
  const shape = SHAPES[provider];
  return Type.Object({
    provider: Type.Literal(provider),
    configured: Type.Boolean(),
    [shape.last4]: Nullable(Type.String()),
    defaultUserId: Nullable(Type.String()),
    [shape.map]: Type.Record(Type.String(), Type.String()),
    webhookUrl: Type.String(),
  });
}

function bodySchema(provider: Provider): TSchema {
  const shape = SHAPES[provider];
  return Type.Object(
    {
      // Optional once configured: changing the users keeps the stored credential.
      [shape.credential]: Type.Optional(Type.String({ minLength: shape.minLength, maxLength: 512, pattern: '^\\S+$' })),
      defaultUserId: Type.Optional(NullableString({ maxLength: 64 })),
      [shape.map]: Type.Optional(UserMap),
    },
    { additionalProperties: false },
  );
}

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'admin');

  function answer(provider: Provider, organizationId: string, integration: IIntegration | null) {
    const shape = SHAPES[provider];
    return {
      provider,
      configured: integration !== null,
      [shape.last4]: integration?.credentialLast4 ?? null,
      defaultUserId: integration?.defaultUser ?? null,
      [shape.map]: integration?.userMap ?? {},
      webhookUrl: providerWebhookUrl(deps.config.publicUrl, provider, organizationId),
    };
  }

  for (const provider of ['retell', 'vapi'] as const) {
    const shape = SHAPES[provider];
    const Answer = answerSchema(provider);

    app.get(
      `/${provider}`,
      {
        schema: {
          summary: `The ${provider} integration`,
          response: { 200: Answer },
        },
      },
      async (request) => answer(provider, request.auth.organizationId, await findIntegration(request.em, provider)),
    );

    app.put(
      `/${provider}`,
      {
        schema: {
          summary: `Connect or update the ${provider} integration`,
          body: bodySchema(provider),
          response: { 200: Answer, ...errorResponses(400, 422) },
        },
      },
      async (request) => {
        const body = request.body as Record<string, unknown>;
        const credential = body[shape.credential] as string | undefined;
        const defaultUserId = (body.defaultUserId as string | null | undefined) ?? null;
        const userMap = (body[shape.map] as Record<string, string> | undefined) ?? {};
        const existing = await findIntegration(request.em, provider);
        if (!existing && credential === undefined) {
          const field = `body.${shape.credential}`;
          throw badRequest(`${shape.credential} is required to connect ${provider}`, { [field]: 'is required' });
        }
        // Every user named must be a user of the admin's own organization (the tenant filter decides).
        const named = [...(defaultUserId ? [defaultUserId] : []), ...Object.values(userMap)];
        const foreign = await foreignUserIds(request.em, named);
        if (foreign.size) {
          const details: Record<string, string> = {};
          const why = 'is not a user of this organization';
          if (defaultUserId && foreign.has(defaultUserId)) details['body.defaultUserId'] = why;
          for (const [id, userId] of Object.entries(userMap)) {
            if (foreign.has(userId)) details[`body.${shape.map}.${id}`] = why;
          }
          throw unprocessable(`Not users of this organization: ${[...foreign].join(', ')}`, details);
        }
        const { organizationId } = request.auth;
        const input = { credential, defaultUserId, userMap };
        const { key } = deps.config.encryption;
        // Saved with the change (saveIntegration flushes this EntityManager); never the credential itself.
        await recordRequestAudit(request, {
          action: AUDIT_ACTIONS.integrationChanged,
          target: { type: 'integration', id: provider },
          details: {
            provider,
            credentialChanged: credential !== undefined,
            defaultUserId,
            mappedIds: Object.keys(userMap),
          },
        });
        const saved = await saveIntegration(request.em, key, organizationId, provider, input, existing);
        return answer(provider, request.auth.organizationId, saved);
      },
    );

    app.delete(
      `/${provider}`,
      {
        schema: {
          summary: `Disconnect ${provider}: its webhook answers 404 afterwards`,
          response: { 204: Type.Null({ description: 'Disconnected (or was not connected)' }) },
        },
      },
      async (request, reply) => {
        const removed = await request.em.nativeDelete(Integration, { provider });
        if (removed > 0) {
          await recordRequestAudit(request, {
            action: AUDIT_ACTIONS.integrationRemoved,
            target: { type: 'integration', id: provider },
            details: { provider },
          });
          await request.em.flush();
        }
        return reply.status(204).send(null);
      },
    );
  }
};

export default routes;
