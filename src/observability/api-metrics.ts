// GET /metrics on the API (at the root, outside /api; with METRICS_TOKEN set it requires that bearer token, otherwise
// scrape it from the private network) and the hooks that feed it: every request's duration by route pattern and status, and every webhook
// delivery's result by provider.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Orm } from '../db/orm.js';
import { createApiMetrics, type WebhookResult } from './metrics.js';
import { METRICS_UNAUTHORIZED_MESSAGE, metricsAuthorized } from './metrics-token.js';
import { errorBody } from '../api/plugins/errors.js';

const WEBHOOK_PREFIX = '/api/webhooks/';
/** Route segment after /api/webhooks/ → provider label (our own signed webhook is `callsense`). */
const PROVIDER_BY_SEGMENT: Record<string, string> = { calls: 'callsense', retell: 'retell', vapi: 'vapi' };
const REJECTION_REASON: Record<number, string> = {
  400: 'invalid_body',
  401: 'signature',
  404: 'unknown_organization',
  413: 'too_large',
  415: 'unsupported_media_type',
  422: 'unknown_user',
  429: 'rate_limited',
  503: 'unavailable',
};

const duplicateDelivery = new WeakMap<FastifyRequest, boolean>();

/** Calls by status across all organizations: one aggregate query per scrape, no tenant in the labels. */
async function countCallsByStatus(orm: Orm): Promise<Record<string, number>> {
  const rows = await orm.em
    .getConnection()
    .execute<{ status: string; count: number }[]>('select status, count(*)::int as count from calls group by status');
  const counts: Record<string, number> = { queued: 0, analyzing: 0, analyzed: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

function webhookOutcome(statusCode: number, duplicate: boolean): { result: WebhookResult; reason: string } {
  if (statusCode === 202 || statusCode === 200) return { result: duplicate ? 'duplicate' : 'accepted', reason: '' };
  if (statusCode === 204) return { result: 'ignored', reason: '' };
  return { result: 'rejected', reason: REJECTION_REASON[statusCode] ?? `status_${statusCode}` };
}

export default fp(
  async function apiMetrics(app: FastifyInstance, options: { orm: Orm; token: string | undefined }) {
    const metrics = createApiMetrics({ countCallsByStatus: () => countCallsByStatus(options.orm) });

    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!metricsAuthorized(options.token, request.headers.authorization)) {
        reply.header('www-authenticate', 'Bearer');
        return reply.status(401).send(errorBody(401, METRICS_UNAUTHORIZED_MESSAGE));
      }
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    });

    // Accepted and duplicate deliveries answer alike (202): the answer's `duplicate` field tells them apart.
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode !== 202 || !request.routeOptions.url?.startsWith(WEBHOOK_PREFIX)) return payload;
      if (typeof payload === 'string') {
        try {
          duplicateDelivery.set(request, (JSON.parse(payload) as { duplicate?: unknown }).duplicate === true);
        } catch {
          // not JSON: counted as accepted
        }
      }
      return payload;
    });

    app.addHook('onResponse', async (request, reply) => {
      // The route pattern (`/api/calls/:id`), never the raw URL: bounded label values.
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.recordHttpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      if (route.startsWith(WEBHOOK_PREFIX)) {
        const provider = PROVIDER_BY_SEGMENT[route.slice(WEBHOOK_PREFIX.length).split('/')[0] ?? ''] ?? 'other';
        const { result, reason } = webhookOutcome(reply.statusCode, duplicateDelivery.get(request) ?? false);
        metrics.recordWebhook(provider, result, reason);
      }
    });
  },
  { name: 'callsense-api-metrics' },
);
