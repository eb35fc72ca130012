// What the Retell and Vapi routes share once the sender is verified: turning a mapped provider call into a stored
// call through the common intake, or a 422 naming what is missing.
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import type { CallSource } from '../../domain/calls/call.entity.js';
import type { StoredCall } from '../../domain/calls/intake.js';
import { keepProviderAnalysis } from '../../domain/calls/provider-analysis.js';
import type { ProviderCall } from '../../domain/integrations/provider-call.js';
import { tenantEm } from '../../domain/tenancy/tenant-em.js';
import { unprocessable } from '../plugins/errors.js';
import { isUuid } from '../schemas/common.js';
import { acceptCall } from './accept-call.js';

/** Stores the mapped call (or answers 422 and stores nothing) and starts its analysis. */
export async function deliverProviderCall(
  deps: AppDeps,
  request: FastifyRequest,
  input: { organizationId: string; source: CallSource; call: ProviderCall },
): Promise<StoredCall> {
  const { organizationId, call } = input;
  const missing: Record<string, string> = {};
  if (!call.callId) missing.callId = "the provider's call id is missing";
  if (!call.transcript) missing.transcript = 'no transcript (neither turns nor text)';
  if (!call.lead) missing.lead = "no lead: neither a lead id in the metadata nor the customer's phone number";
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
