// GET /ai/scoring/model, POST /ai/scoring/optimize, POST /admin/scoring/run (CONTRACT §3 "AI personalization").
// Training runs on the worker: the POSTs start the same workflows the weekly schedule runs, and answer 202.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';
import { LeadScoringModel } from '../../domain/scoring/lead-scoring-model.entity.js';
import { runDateOf, userScoringWorkflowId } from '../../temporal/ids.js';
import { tenantSearchAttributes } from '../../temporal/search-attributes.js';
import { notFound } from '../plugins/errors.js';
import { AUDIT_ACTIONS, recordAudit } from '../../domain/audit/index.js';
import { startOrganizationScoring } from '../../domain/scoring/run-now.js';
import { ErrorSchema } from '../accounts-schemas.js';

const ModelSchema = Type.Object({
  version: Type.Integer(),
  factors: Type.Record(Type.String(), Type.Number()),
  accuracy: Type.Union([Type.Number(), Type.Null()]),
  auc: Type.Union([Type.Number(), Type.Null()]),
  trainingDataCount: Type.Integer(),
  lastTrainedAt: Type.String({ format: 'date-time' }),
});
const Started = Type.Object({ workflowId: Type.String() });

export { organizationScoringRunId } from '../../domain/scoring/run-now.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  const secured = { tags: ['scoring'], security: [{ bearerAuth: [] }] };
  const { client } = deps.temporal;
  const taskQueue = deps.config.temporal.taskQueue;

  app.get('/ai/scoring/model', {
    onRequest: [app.authenticate],
    schema: { ...secured, summary: "The caller's active lead-scoring model", response: { 200: ModelSchema, 401: ErrorSchema, 404: ErrorSchema } },
  }, async (request) => {
    const { organizationId, userId } = request.auth;
    const model = await request.em.findOne(LeadScoringModel, { organization: organizationId, user: userId, active: true });
    if (!model) throw notFound('Scoring model (none trained yet)');
    return {
      version: model.version,
      factors: model.factors,
      accuracy: model.accuracy ?? null,
      auc: model.auc ?? null,
      trainingDataCount: model.trainingDataCount,
      lastTrainedAt: model.trainedAt.toISOString(),
    };
  });

  app.post('/ai/scoring/optimize', {
    onRequest: [app.authenticate],
    schema: { ...secured, summary: "Retrain the caller's model now", response: { 202: Started, 401: ErrorSchema } },
  }, async (request, reply) => {
    const { organizationId, userId } = request.auth;
    // The contract's id for the day: a weekly child or an earlier click still running is returned, not doubled.
    const handle = await client.workflow.start('userScoringWorkflow', {
      workflowId: userScoringWorkflowId(organizationId, userId, runDateOf(new Date())),
      taskQueue,
      args: [{ organizationId, userId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: tenantSearchAttributes({ organizationId, userId }),
    });
    await recordAudit(request.em, {
      organizationId, actorId: userId, actorEmail: request.auth.email, action: AUDIT_ACTIONS.scoringOptimize,
      target: { type: 'user', id: userId }, details: { workflowId: handle.workflowId },
    });
    await request.em.flush();
    return reply.status(202).send({ workflowId: handle.workflowId });
  });

  app.post('/admin/scoring/run', {
    onRequest: [app.authenticate, app.requireAdmin],
    schema: { ...secured, summary: "Retrain every user of the admin's organization now", response: { 202: Started, 401: ErrorSchema, 403: ErrorSchema } },
  }, async (request, reply) => {
    const { organizationId } = request.auth;
    const workflowId = await startOrganizationScoring(client, { taskQueue, organizationId });
    await recordAudit(request.em, {
      organizationId, actorId: request.auth.userId, actorEmail: request.auth.email, action: AUDIT_ACTIONS.scoringRun,
      target: { type: 'organization', id: organizationId }, details: { workflowId },
    });
    await request.em.flush();
    return reply.status(202).send({ workflowId });
  });
};

export default routes;
