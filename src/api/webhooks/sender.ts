// Who sent a webhook: the organization its path names, verified before the body is read. Each webhook route
// plugin registers one of the plugins below; its routes then find the verified sender on `request.sender`
// and keep only the HTTP. A malformed or unknown organization id is a 404, like one without the integration.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../deps.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import type { IIntegration, Provider } from '../../domain/integrations/integration.entity.js';
import { credentialOf, findIntegration } from '../../domain/integrations/settings.js';
import { SealedSecretError } from '../../domain/secrets/sealed.js';
import { tenantEm } from '../../domain/tenancy/tenant-em.js';
import { HttpError, notFound } from '../plugins/errors.js';
import { isUuid } from '../schemas/common.js';
import { rawJsonBody, requireJsonBody } from './raw-body.js';
import { webhookSecretsOf } from '../../domain/accounts/webhook-secrets-cache.js';
import { verifyCallsenseSignature, verifyProvider } from './credentials.js';

export interface WebhookSender {
  organizationId: string;
  /** Scoped to the sender's organization. */
  em: EntityManager;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the sender's credential checked out. */
    sender: WebhookSender;
    /** The provider integration a Retell or Vapi webhook was verified against. */
    integration?: IIntegration;
  }
}

const organizationIdOf = (request: FastifyRequest) => (request.params as { organizationId: string }).organizationId;

/** The organization named by the path, with the columns `fields` asks for; null when there is none. */
async function senderOrganization(deps: AppDeps, organizationId: string) {
  if (!isUuid(organizationId)) return null;
  const em = tenantEm(deps.orm.em, organizationId);
  const org = await em.findOne(Organization, { id: organizationId }, { fields: ['id'] });
  return org ? { org, em } : null;
}

/** A sender whose scoped EntityManager is forked only when a route asks for it: the intake needs none. */
function senderOf(deps: AppDeps, organizationId: string): WebhookSender {
  let em: EntityManager | undefined;
  return {
    organizationId,
    get em() {
      em ??= tenantEm(deps.orm.em, organizationId);
      return em;
    },
  };
}

const PROVIDER_NAMES: Record<Provider, string> = { retell: 'Retell', vapi: 'Vapi' };

/**
 * The organization's integration and its credential in clear. An unknown organization and one without this
 * integration are the same 404: a sender learns nothing about which organizations exist.
 */
async function providerIntegration(deps: AppDeps, request: FastifyRequest, organizationId: string, provider: Provider) {
  const what = `${PROVIDER_NAMES[provider]} integration of this organization`;
  const found = await senderOrganization(deps, organizationId);
  const integration = found ? await findIntegration(found.em, provider) : null;
  if (!found || !integration) throw notFound(what);
  try {
    return { integration, credential: credentialOf(deps.config.encryption, integration), em: found.em };
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    // The application key changed since the credential was saved: nothing the sender can fix, and retrying
    // helps once an admin saves the integration again.
    request.log.error({ organizationId, provider }, 'the stored integration credential cannot be opened');
    throw new HttpError(
      503,
      `The ${PROVIDER_NAMES[provider]} credential of this organization cannot be read; ` +
        'an admin must save the integration again',
    );
  }
}

/**
 * Our own signed webhook: the organization's webhook secrets are the credential. A bad signature is a 401;
 * a body that is not JSON is a 400 only after that.
 */
export const signedBySecret = fp(
  async function signedBySecret(app: FastifyInstance, deps: AppDeps) {
    await app.register(rawJsonBody);
    app.decorateRequest('sender', null as unknown as WebhookSender);
    app.addHook('preValidation', async (request) => {
      const organizationId = organizationIdOf(request);
      const secrets = isUuid(organizationId) ? await webhookSecretsOf(deps.orm.em, organizationId) : null;
      if (!secrets) throw notFound('Organization');
      verifyCallsenseSignature(deps, request, secrets);
      requireJsonBody(request);
      request.sender = senderOf(deps, organizationId);
    });
  },
  { name: 'signed-by-secret' },
);

/** A voice platform's webhook: the credential stored with the organization's integration of `provider`. */
export const signedByProvider = fp(
  async function signedByProvider(app: FastifyInstance, opts: { deps: AppDeps; provider: Provider }) {
    await app.register(rawJsonBody);
    app.decorateRequest('sender', null as unknown as WebhookSender);
    app.addHook('preValidation', async (request) => {
      const organizationId = organizationIdOf(request);
      const { deps, provider } = opts;
      const { integration, credential, em } = await providerIntegration(deps, request, organizationId, provider);
      verifyProvider[provider](request, credential);
      requireJsonBody(request);
      request.sender = { organizationId, em };
      request.integration = integration;
    });
  },
  { name: 'signed-by-provider' },
);
