// GET /ai/scoring/model, POST /ai/scoring/optimize, POST /admin/scoring/run (CONTRACT §3 "AI personalization").
// Training runs on the worker: the POSTs start the same workflows the weekly schedule runs, and answer 202.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';
import { LeadScoringModel } from '../../domain/scoring/lead-scoring-model.entity.js';
import { runDateOf, userScoringWorkflowId } from '../../temporal/ids.js';
import { tenantSearchAttributes } from '../../temporal/search-attributes.js';
import { notFound } from '../plugins/errors.js';
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

/** The admin's manual run: one per organization and day, so a double click finds the running one. */
export const organizationScoringRunId = (organizationId: string, runDate: string) => `scoring-run:${organizationId}:${runDate}`;

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
    return reply.status(202).send({ workflowId: handle.workflowId });
  });

  app.post('/admin/scoring/run', {
    onRequest: [app.authenticate, app.requireAdmin],
    schema: { ...secured, summary: "Retrain every user of the admin's organization now", response: { 202: Started, 401: ErrorSchema, 403: ErrorSchema } },
  }, async (request, reply) => {
    const { organizationId } = request.auth;
    const runDate = runDateOf(new Date());
    const handle = await client.workflow.start('weeklyScoringWorkflow', {
      workflowId: organizationScoringRunId(organizationId, runDate),
      taskQueue,
      args: [{ organizationId, runDate }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: tenantSearchAttributes({ organizationId }),
    });
    return reply.status(202).send({ workflowId: handle.workflowId });
  });
};

export default routes;
