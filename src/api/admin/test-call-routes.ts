// POST /admin/test-call: a sample call, signed with the organization's webhook secret and posted to our own webhook
// route in-process, so intake, the workflow and the analysis run exactly as for a provider's delivery. The call
// belongs to the admin who sent it; without an OpenAI key it waits in `queued` and its `error` says why.
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { openWebhookSecret } from '../../domain/accounts/webhook-secret-sealing.js';
import { SAMPLE_TRANSCRIPT } from '../../domain/prompts/sample-transcript.js';
import { signWebhook } from '../../domain/webhooks/signature.js';
import { HttpError } from '../plugins/errors.js';
import { Nullable, Uuid, errorResponses } from '../schemas/common.js';
import { tagRoutes } from '../plugins/route-groups.js';

const TestCall = Type.Object({
  id: Uuid,
  workflowId: Type.String(),
  /** Null when calls can be analysed; otherwise what to set so they are (they wait in `queued` until then). */
  waiting: Nullable(Type.String()),
});

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'admin');

  app.post(
    '/test-call',
    {
      schema: {
        summary: 'Send a signed sample call to this organization’s webhook (intake end to end)',
        response: { 202: TestCall, ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      const { organizationId, userId } = request.auth;
      const org = await request.em.findOneOrFail(
        Organization,
        { id: organizationId },
        { fields: ['id', 'webhookSecret'] },
      );
      const secret = openWebhookSecret(deps.config.encryption, organizationId, org.webhookSecret);
      const body = JSON.stringify({
        callId: `test-call-${randomUUID()}`,
        userId,
        lead: { externalId: 'test-call', name: 'Test call (sample lead)' },
        transcript: SAMPLE_TRANSCRIPT.split('\n').map((line) => {
          const at = line.indexOf(': ');
          return { role: line.slice(0, at), content: line.slice(at + 2) };
        }),
        startedAt: new Date().toISOString(),
        durationSeconds: 312,
        metadata: { test: true },
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const delivered = await app.inject({
        method: 'POST',
        url: `/api/webhooks/calls/${organizationId}`,
        headers: {
          'content-type': 'application/json',
          'x-callsense-timestamp': timestamp,
          'x-callsense-signature': signWebhook(secret, timestamp, body),
        },
        payload: body,
      });
      if (delivered.statusCode !== 202) {
        // The webhook's own answer (503 while Temporal is away, 429 over the rate limit) says what went wrong.
        const answer = delivered.json<{ message?: string }>();
        throw new HttpError(503, `The webhook did not accept the test call: ${answer.message ?? delivered.statusCode}`);
      }
      const { id, workflowId } = delivered.json<{ id: string; workflowId: string }>();
      const configured = Boolean(deps.config.openai.apiKey || deps.config.openai.baseURL);
      const waiting = configured
        ? null
        : 'No OpenAI key: the call waits in queued until OPENAI_API_KEY (or OPENAI_BASE_URL) is set and CallSense ' +
          'is restarted';
      return reply.status(202).send({ id, workflowId, waiting });
    },
  );
};

export default routes;
