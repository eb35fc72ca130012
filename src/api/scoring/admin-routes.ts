// The admin's scoring routes: retrain the whole organization now, and a
// user's status, versions and activation, for users of the admin's own organization.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { startOrganizationScoring } from '../../temporal/scoring-runs.js';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { errorResponses, UserIdParams } from '../schemas/common.js';
import { Started, StatusSchema, VersionSchema } from './schemas.js';
import { scoringViews } from './views.js';
import { recordRequestAudit } from '../audit.js';
import { tagRoutes } from '../plugins/route-groups.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'scoring');
  const { client } = deps.temporal;
  const taskQueue = deps.config.temporal.taskQueue;
  const { targetUser, status, versions, activate } = scoringViews(deps);

  app.post(
    '/scoring/run',
    {
      schema: {
        summary: "Retrain the organization's pooled model and every one of its users now",
        response: { 202: Started },
      },
    },
    async (request, reply) => {
      const { organizationId } = request.auth;
      const handle = await startOrganizationScoring(client, taskQueue, organizationId);
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.scoringRun,
        target: { type: 'organization', id: organizationId },
        details: { workflowId: handle.workflowId },
      });
      await request.em.flush();
      return reply.status(202).send({ workflowId: handle.workflowId });
    },
  );

  app.get(
    '/users/:userId/scoring/status',
    {
      schema: {
        summary: "A user's scoring status",
        params: UserIdParams,
        response: { 200: StatusSchema, ...errorResponses(404) },
      },
    },
    async (request) => status(request, await targetUser(request, request.params.userId)),
  );

  app.get(
    '/users/:userId/scoring/models',
    {
      schema: {
        summary: "A user's model versions, newest first",
        params: UserIdParams,
        response: { 200: Type.Array(VersionSchema), ...errorResponses(404) },
      },
    },
    async (request) => versions(request, await targetUser(request, request.params.userId)),
  );

  app.post(
    '/users/:userId/scoring/models/:version/activate',
    {
      schema: {
        summary: "Roll back or pin a user's model version",
        params: Type.Object({ userId: Type.String(), version: Type.Integer({ minimum: 1 }) }),
        response: { 200: VersionSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => activate(request, await targetUser(request, request.params.userId), request.params.version),
  );
};

export default routes;
