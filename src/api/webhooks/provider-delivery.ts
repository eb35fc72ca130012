// What the Retell and Vapi routes share: finding the organization's integration (404 when there is none) and
// turning a mapped provider call into a stored call through the common intake, or a 422 naming what is missing.
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { User } from '../../domain/accounts/user.entity.js';
import type { CallSource } from '../../domain/calls/call.entity.js';
import type { StoredCall } from '../../domain/calls/intake.js';
import { keepProviderAnalysis } from '../../domain/calls/provider-analysis.js';
import type { IIntegration, Provider } from '../../domain/integrations/integration.entity.js';
import type { ProviderCall } from '../../domain/integrations/provider-call.js';
import { credentialOf, findIntegration } from '../../domain/integrations/settings.js';
import { SealedSecretError } from '../../domain/secrets/sealed.js';
import { tenantEm } from '../../domain/tenancy/tenant-em.js';
import { HttpError, notFound, unprocessable } from '../plugins/errors.js';
import { isUuid } from '../schemas/common.js';
import { acceptCall } from './accept-call.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The provider integration a webhook was verified against. */
    integration?: IIntegration;
  }
}

const PROVIDER_NAMES: Record<Provider, string> = { retell: 'Retell', vapi: 'Vapi' };

/**
 * The organization's integration and its credential in clear. An unknown organization and one without this
 * integration are the same 404: a sender learns nothing about which organizations exist.
 */
export async function providerIntegration(
  deps: AppDeps,
  request: FastifyRequest,
  organizationId: string,
  provider: Provider,
): Promise<{ integration: IIntegration; credential: string }> {
  const what = `${PROVIDER_NAMES[provider]} integration of this organization`;
  if (!isUuid(organizationId)) throw notFound(what);
  const em = tenantEm(deps.orm.em, organizationId);
  const org = await em.findOne(Organization, { id: organizationId }, { fields: ['id'] });
  const integration = org ? await findIntegration(em, provider) : null;
  if (!integration) throw notFound(what);
  try {
    return { integration, credential: credentialOf(deps.config.encryption.key, integration) };
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    // The application key changed since the credential was saved: nothing the sender can fix, and retrying
    // helps once an admin saves the integration again.
    request.log.error({ organizationId, provider }, 'the stored integration credential cannot be opened');
    throw new HttpError(503, `The ${PROVIDER_NAMES[provider]} credential of this organization cannot be read; `
      + 'an admin must save the integration again');
  }
}

/** Stores the mapped call (or answers 422 and stores nothing) and starts its analysis. */
export async function deliverProviderCall(
  deps: AppDeps,
  request: FastifyRequest,
  input: { organizationId: string; source: CallSource; call: ProviderCall },
): Promise<StoredCall> {
  const { organizationId, call } = input;
  const missing: Record<string, string> = {};
  if (!call.callId) missing.callId = 'the provider\'s call id is missing';
  if (!call.transcript) missing.transcript = 'no transcript (neither turns nor text)';
  if (!call.lead) missing.lead = 'no lead: neither a lead id in the metadata nor the customer\'s phone number';
  let userId: string | undefined;
  if (!call.user) {
    missing.user = 'no user: the agent or assistant is not mapped and no default user is set';
  } else {
    const user = isUuid(call.user.id)
      ? await tenantEm(deps.orm.em, organizationId).findOne(User, { id: call.user.id }, { fields: ['id'] })
      : null;
    if (user) userId = user.id;
    else missing.user = `${call.user.from} is not a user of this organization`;
  }
  if (!call.callId || !call.transcript || !call.lead || !userId) {
    throw unprocessable(`The call cannot be stored: ${Object.values(missing).join('; ')}`, missing);
  }
  const stored = await acceptCall(deps, request, {
    organizationId,
    delivery: {
      callId: call.callId,
      userId,
      lead: { externalId: call.lead.externalId, phone: call.lead.phone },
      transcript: call.transcript,
      startedAt: call.startedAt,
      durationSeconds: call.durationSeconds,
      metadata: call.metadata,
      source: input.source,
    },
  });
  if (stored.duplicate && call.providerAnalysis) {
    const em = tenantEm(deps.orm.em, organizationId);
    await keepProviderAnalysis(em, organizationId, call.callId, call.providerAnalysis);
  }
  return stored;
}
