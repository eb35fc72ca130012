// POST /admin/calls/reanalyze and GET /admin/reanalysis/:workflowId: bulk re-analysis of the
// admin's organization, and its progress (from the workflow itself).
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { Call } from '../../domain/calls/call.entity.js';
import { User } from '../../domain/accounts/user.entity.js';
import { reanalysisWhere } from '../../domain/calls/reanalysis-filter.js';
import { reanalysisStatus, startReanalysis } from '../../temporal/starters.js';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { errorResponses, isUuid } from '../schemas/common.js';
import { badRequest, notFound } from '../plugins/errors.js';
import { recordRequestAudit } from '../audit.js';
import { tagRoutes } from '../plugins/route-groups.js';

const ReanalyzeBody = Type.Object(
  {
    userId: Type.Optional(Type.String({ maxLength: 64 })),
    status: Type.Optional(Type.Union([Type.Literal('failed'), Type.Literal('analyzed')])),
    promptId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'admin');

  app.post(
    '/calls/reanalyze',
    {
      schema: {
        summary: 'Re-analyse every matching call of the organization (bounded concurrency; watch the progress route)',
        body: ReanalyzeBody,
        response: {
          202: Type.Object({ workflowId: Type.String(), total: Type.Integer() }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const filters = request.body;
      if (
        filters.userId !== undefined &&
        (!isUuid(filters.userId) || !(await request.em.count(User, { id: filters.userId })))
      )
        throw notFound('User');
      if (filters.since && filters.until && new Date(filters.since) >= new Date(filters.until)) {
        throw badRequest('since must be before until', { 'body.since': 'must be before until' });
      }
      const createdBefore = new Date();
      const total = await request.em.count(Call, reanalysisWhere(filters, createdBefore));
      const { workflowId } = await startReanalysis(deps.temporal.client, deps.config, {
        organizationId: request.auth.organizationId,
        filters,
        total,
        createdBefore,
      });
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.reanalysisRequested,
        target: { type: 'organization', id: request.auth.organizationId },
        details: { workflowId, total, filters },
      });
      await request.em.flush();
      return reply.status(202).send({ workflowId, total });
    },
  );

  app.get(
    '/reanalysis/:workflowId',
    {
      schema: {
        summary: 'Progress of a bulk re-analysis',
        params: Type.Object({ workflowId: Type.String({ maxLength: 200 }) }),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            done: Type.Integer(),
            failed: Type.Integer(),
            status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const { workflowId } = request.params;
      // Another organization's run is as good as missing.
      if (!workflowId.startsWith(`reanalysis:${request.auth.organizationId}:`)) throw notFound('Re-analysis');
      const status = await reanalysisStatus(deps.temporal.client, workflowId);
      if (!status) throw notFound('Re-analysis');
      return status;
    },
  );
};

export default routes;
