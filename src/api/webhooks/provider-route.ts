// The route a voice platform's webhook gets: POST /<provider>/:organizationId, its sender verified against the
// organization's integration, rate limited per organization, then the payload mapped to a call and stored
// through the common intake (202), or acknowledged without storing (204). The providers differ only in the
// credential header, the body schema and the mapping.
import { Type, type Static, type TObject } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import type { IIntegration, Provider } from '../../domain/integrations/integration.entity.js';
import type { ProviderCall } from '../../domain/integrations/provider-call.js';
import { deliverProviderCall } from './provider-delivery.js';
import { providerWebhookResponses } from './responses.js';
import { signedByProvider } from './sender.js';
import { tagRoutes } from '../plugins/route-groups.js';

export interface ProviderWebhook<Body extends TObject> {
  provider: Provider;
  summary: string;
  /** The header that carries the provider's signature or secret. */
  credentialHeader: string;
  body: Body;
  /** Which of the provider's events are acknowledged with 204 and not stored, in words. */
  ignored: string;
  /** The call the payload carries, or null for an event that carries no finished call (204). */
  callOf: (body: Static<Body>, integration: IIntegration) => ProviderCall | null;
}

export function providerWebhookRoutes<Body extends TObject>(
  webhook: ProviderWebhook<Body>,
): FastifyPluginAsyncTypebox<AppDeps> {
  const { provider } = webhook;
  return async (app, deps) => {
    tagRoutes(app, 'webhooks');
    await app.register(signedByProvider, { deps, provider });

    app.post(
      `/${provider}/:organizationId`,
      {
        schema: {
          summary: webhook.summary,
          params: Type.Object({ organizationId: Type.String() }),
          headers: Type.Object({ [webhook.credentialHeader]: Type.Optional(Type.String()) }),
          body: webhook.body,
          response: providerWebhookResponses(webhook.ignored),
        },
        // Per organization, after the credential check: strangers cannot spend a tenant's budget.
        preHandler: [app.webhookRateLimit],
      },
      async (request, reply) => {
        const { organizationId } = request.sender;
        const call = webhook.callOf(request.body as Static<Body>, request.integration!);
        if (!call) return reply.status(204).send(null);
        const stored = await deliverProviderCall(deps, request, { organizationId, source: provider, call });
        return reply.status(202).send({ id: stored.id, workflowId: stored.workflowId, duplicate: stored.duplicate });
      },
    );
  };
}
