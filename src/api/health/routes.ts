import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { RETRY_AFTER_SECONDS } from '../plugins/unavailable.js';
import { errorBody } from '../plugins/errors.js';
import { ErrorSchema } from '../schemas/common.js';
import { tagRoutes } from '../plugins/route-groups.js';

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

const healthRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'operations');
  app.get('/healthz', { schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    {
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), Type.String()) }),
          // The common error body, plus which dependency is down.
          503: Type.Object({ ...ErrorSchema.properties, checks: Type.Record(Type.String(), Type.String()) }),
        },
      },
    },
    async (request, reply) => {
      // Anonymous callers learn what is down by name only; the reason goes to the log.
      const checks: Record<string, string> = {};
      const down: string[] = [];
      const check = (key: string, name: string, probe: Promise<unknown>) =>
        withTimeout(probe, 3000, name)
          .then(() => {
            checks[key] = 'ok';
          })
          .catch((error: Error) => {
            request.log.warn({ err: error }, `readiness: ${name} is not answering`);
            checks[key] = 'unavailable';
            down.push(name);
          });
      await Promise.all([
        check('postgres', 'PostgreSQL', deps.orm.em.getConnection().execute('select 1')),
        check('temporal', 'Temporal', deps.temporal.connection.workflowService.getSystemInfo({})),
      ]);
      if (down.length) {
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        return reply.status(503).send({ ...errorBody(503, `Not ready: ${down.join(' and ')} not answering`), checks });
      }
      return { status: 'ready' as const, checks };
    },
  );
};

export default healthRoutes;
