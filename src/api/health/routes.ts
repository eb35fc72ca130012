import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

const healthRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      response: {
        200: Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), Type.String()) }),
        503: Type.Object({ statusCode: Type.Number(), error: Type.String(), message: Type.String(), checks: Type.Record(Type.String(), Type.String()) }),
      },
    },
  }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    const down: string[] = [];
    await Promise.all([
      withTimeout(deps.orm.em.getConnection().execute('select 1'), 3000, 'PostgreSQL')
        .then(() => { checks.postgres = 'ok'; })
        .catch((e: Error) => { checks.postgres = e.message; down.push('PostgreSQL'); }),
      withTimeout(deps.temporal.connection.workflowService.getSystemInfo({}), 3000, 'Temporal')
        .then(() => { checks.temporal = 'ok'; })
        .catch((e: Error) => { checks.temporal = e.message; down.push('Temporal'); }),
    ]);
    if (down.length) {
      return reply.status(503).send({ statusCode: 503, error: 'Service Unavailable', message: `Not ready: ${down.join(' and ')} not answering`, checks });
    }
    return { status: 'ready' as const, checks };
  });
};

export default healthRoutes;
