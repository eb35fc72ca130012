// The scoring routes: the model that scores the caller's leads, the
// status with its reasons, versions (list, activate), retraining (optionally waiting for the outcome), and
// the caller's own; the admin's variants are in admin-routes.ts. Training runs on the worker, through Temporal.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { modelScoringUser } from '../../domain/scoring/score-lead.js';
import { scoringStatus, whyNoModel } from '../../domain/scoring/status.js';
import type { TrainingOutcome } from '../../domain/scoring/train-user-model.js';
import { startUserScoring, waitForScoring } from '../../temporal/scoring-runs.js';
import { HttpError } from '../plugins/errors.js';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { errorResponses } from '../schemas/common.js';
import { ModelSchema, RunResultSchema, Started, StatusSchema, VersionSchema, toModelDto } from './schemas.js';
import { scoringViews } from './views.js';
import { recordRequestAudit } from '../audit.js';
import { tagRoutes } from '../plugins/route-groups.js';

/** How long `optimize?wait=true` waits for the run before answering 202 as without it. */
const OPTIMIZE_WAIT_MS = 60_000;

function runResult(outcome: TrainingOutcome) {
  return {
    outcome: outcome.outcome,
    reason: outcome.reason,
    version: outcome.version,
    activated: outcome.activated,
    accuracy: outcome.accuracy,
    auc: outcome.auc,
    trainingDataCount: outcome.trainingDataCount,
    won: outcome.won,
    lost: outcome.lost,
  };
}

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'scoring');
  const { client } = deps.temporal;
  const taskQueue = deps.config.temporal.taskQueue;
  const minLeadsPerClass = deps.config.scoring.minLeadsPerClass;
  const { status, versions, activate } = scoringViews(deps);
  const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1 }) });

  app.get(
    '/model',
    {
      schema: {
        summary: "The model that scores the caller's leads (their own, else the organization's)",
        response: { 200: ModelSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { organizationId, userId } = request.auth;
      const model = await modelScoringUser(request.em, organizationId, userId);
      if (model) return toModelDto(model);
      const current = await scoringStatus(request.em, { organizationId, userId, minLeadsPerClass });
      throw new HttpError(404, await whyNoModel(request.em, current, organizationId));
    },
  );

  app.get(
    '/status',
    {
      schema: {
        summary: 'Whether the caller has a model, why not, and the last and next runs',
        response: { 200: StatusSchema },
      },
    },
    async (request) => status(request, request.auth.userId),
  );

  app.get(
    '/models',
    {
      schema: {
        summary: "The caller's own model versions, newest first",
        response: { 200: Type.Array(VersionSchema) },
      },
    },
    async (request) => versions(request, request.auth.userId),
  );

  app.post(
    '/models/:version/activate',
    {
      schema: {
        summary: 'Roll back to or pin a version; open leads are scored again',
        params: VersionParams,
        response: { 200: VersionSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => activate(request, request.auth.userId, request.params.version),
  );

  app.post(
    '/optimize',
    {
      // A retraining run costs the cluster as much as many requests: the per-user on-demand limit applies.
      preHandler: [app.openaiRateLimit],
      schema: {
        summary: "Retrain the caller's model now (`wait=true`: answer with the outcome when the run ends within 60 s)",
        querystring: Type.Object({ wait: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: RunResultSchema, 202: Started, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { organizationId, userId } = request.auth;
      const handle = await startUserScoring(client, taskQueue, { organizationId, userId });
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.scoringOptimize,
        target: { type: 'user', id: userId },
        details: { workflowId: handle.workflowId },
      });
      await request.em.flush();
      if (!request.query.wait) return reply.status(202).send({ workflowId: handle.workflowId });
      const waited = await waitForScoring(client, handle, OPTIMIZE_WAIT_MS);
      if (!waited.done) return reply.status(202).send({ workflowId: handle.workflowId });
      if ('outcome' in waited) return reply.status(200).send(runResult(waited.outcome));
      return reply.status(200).send({
        outcome: 'failed' as const,
        reason: waited.failure,
        version: null,
        activated: false,
        accuracy: null,
        auc: null,
        trainingDataCount: null,
        won: null,
        lost: null,
      });
    },
  );
};

export default routes;
