// What every webhook route answers: 202 with the stored call, 204 for an event that carries no finished call
// (provider formats only), and the error body for each way a delivery is turned away.
import { Type } from 'typebox';
import { errorResponses } from '../schemas/common.js';

const Accepted = Type.Object({ id: Type.String(), workflowId: Type.String(), duplicate: Type.Boolean() });

const errors = errorResponses(400, 401, 404, 422, 429, 503);

/** Our own signed webhook: every delivery is a finished call. */
export const callWebhookResponses = { 202: Accepted, ...errors };

/** A provider's webhook: `ignored` says which of its events are acknowledged with 204 and not stored. */
export const providerWebhookResponses = (ignored: string) => ({
  202: Accepted,
  204: Type.Null({ description: ignored }),
  ...errors,
});
