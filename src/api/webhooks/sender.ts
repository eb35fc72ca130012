// Who sent a webhook: the organization its path names, verified before the body is parsed. Each webhook route
// plugin registers one of the plugins below; its routes then find the verified sender on `request.sender`
// and keep only the HTTP. A malformed or unknown organization id is a 404, like one without the integration.
// Order: the path's organization id is lowercased (onRequest: every limit, lock, workflow id and search attribute
// then sees one spelling of it) → failed authentications of this address for this organization (429) → the
// organization and its credential (404, before the body is even read) → the signature over the raw bytes (401)
// → the JSON (400).
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../deps.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import type { IIntegration, Provider } from '../../domain/integrations/integration.entity.js';
import { credentialOf, findIntegration } from '../../domain/integrations/settings.js';
import { SealedSecretError } from '../../domain/secrets/sealed.js';
import { tenantEm } from '../../domain/tenancy/tenant-em.js';
import { HttpError, notFound } from '../plugins/errors.js';
import { isUuid } from '../schemas/common.js';
import { parseVerifiedBody, rawJsonBody } from './raw-body.js';
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

/**
 * PostgreSQL matches a UUID in any case, so `/webhooks/calls/ABC…` finds the same organization as `abc…`; everything
 * keyed by the id must see one spelling of it, or one tenant could split its limits, slots and lead workflows.
 */
function canonicalizeOrganizationId(request: FastifyRequest): void {
  const params = request.params as { organizationId?: unknown };
  if (typeof params.organizationId === 'string') params.organizationId = params.organizationId.toLowerCase();
}

/** Failed authentications (401, 404) are counted per client address and organization: see webhookAuthFailures. */
async function countingFailures<T>(app: FastifyInstance, request: FastifyRequest, check: () => Promise<T> | T) {
  try {
    return await check();
  } catch (error) {
    if (error instanceof HttpError && (error.statusCode === 401 || error.statusCode === 404)) {
      app.webhookAuthFailures.record(request, organizationIdOf(request));
    }
    throw error;
  }
}

/** The onRequest part every webhook sender check shares: one spelling of the id, then the failure limit. */
function guardRequest(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): void {
  canonicalizeOrganizationId(request);
  app.webhookAuthFailures.refuseWhenExceeded(request, reply, organizationIdOf(request));
}

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
    const secretsOf = new WeakMap<FastifyRequest, string[]>();
    app.addHook('onRequest', async (request, reply) => {
      guardRequest(app, request, reply);
      const organizationId = organizationIdOf(request);
      const secrets = await countingFailures(app, request, async () => {
        const found = isUuid(organizationId)
          ? await webhookSecretsOf(deps.orm.em, deps.config.encryption, organizationId).catch((error: unknown) => {
              if (!(error instanceof SealedSecretError)) throw error;
              // No configured key opens the stored secret (CALLSENSE_ENCRYPTION_KEY changed without its
              // predecessor in CALLSENSE_PREVIOUS_ENCRYPTION_KEYS): the operator can fix it; the provider retries.
              request.log.error({ organizationId }, 'the stored webhook secret cannot be opened');
              throw new HttpError(503, 'The webhook secret of this organization cannot be read right now');
            })
          : null;
        if (!found) throw notFound('Organization');
        return found;
      });
      secretsOf.set(request, secrets);
    });
    app.addHook('preValidation', async (request) => {
      const organizationId = organizationIdOf(request);
      await countingFailures(app, request, () => verifyCallsenseSignature(deps, request, secretsOf.get(request)!));
      parseVerifiedBody(request);
      request.sender = senderOf(deps, organizationId);
    });
  },
  { name: 'signed-by-secret' },
);

type Verified = Awaited<ReturnType<typeof providerIntegration>>;

/** A voice platform's webhook: the credential stored with the organization's integration of `provider`. */
export const signedByProvider = fp(
  async function signedByProvider(app: FastifyInstance, opts: { deps: AppDeps; provider: Provider }) {
    await app.register(rawJsonBody);
    app.decorateRequest('sender', null as unknown as WebhookSender);
    const { deps, provider } = opts;
    const found = new WeakMap<FastifyRequest, Verified>();
    app.addHook('onRequest', async (request, reply) => {
      guardRequest(app, request, reply);
      const organizationId = organizationIdOf(request);
      found.set(
        request,
        await countingFailures(app, request, () => providerIntegration(deps, request, organizationId, provider)),
      );
    });
    app.addHook('preValidation', async (request) => {
      const organizationId = organizationIdOf(request);
      const { integration, credential, em } = found.get(request)!;
      await countingFailures(app, request, () => verifyProvider[provider](request, credential));
      parseVerifiedBody(request);
      request.sender = { organizationId, em };
      request.integration = integration;
    });
  },
  { name: 'signed-by-provider' },
);
