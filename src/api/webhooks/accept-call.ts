// The one intake path of every webhook route (our own, Retell, Vapi): store the call once per
// (organization, callId), make sure its analysis workflow exists, and answer at once. The analysis never
// runs inline: providers time out (Vapi sends once and waits 20 s at most).
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { storeCall, type CallDelivery, type StoredCall } from '../../domain/calls/intake.js';
import { ensureDeliveredCallWorkflow } from '../../temporal/starters.js';
import { HttpError } from '../plugins/errors.js';

export async function acceptCall(
  deps: AppDeps,
  request: FastifyRequest,
  input: { organizationId: string; delivery: CallDelivery },
): Promise<StoredCall> {
  const { organizationId, delivery } = input;
  const call = await storeCall(deps.orm.em, organizationId, delivery);
  try {
    // Ids only: names, e-mails and transcripts never go to Temporal.
    await ensureDeliveredCallWorkflow(deps.temporal.client, deps.config, {
      organizationId,
      userId: delivery.userId,
      call,
    });
  } catch (error) {
    // The call is stored; a redelivery will start its workflow. Tell the provider to retry.
    request.log.error({ err: error, callId: delivery.callId }, 'could not start the call analysis workflow');
    throw new HttpError(503, 'The call is stored but its analysis could not be started yet; deliver it again later');
  }
  return call;
}
