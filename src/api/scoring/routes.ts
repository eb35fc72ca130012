// The scoring routes of CONTRACT §3 "AI personalization": the model that scores the caller's leads, the
// status with its reasons, versions (list, activate), retraining (optionally waiting for the outcome), and
// the admin's variants for a user of their organization. Training runs on the worker, through Temporal.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.js';
import { User } from '../../domain/accounts/user.entity.js';
import { LeadScoringModel } from '../../domain/scoring/lead-scoring-model.entity.js';
import { modelScoringUser } from '../../domain/scoring/score-lead.js';
import { scoringStatus, whyNoModel } from '../../domain/scoring/status.js';
import { activateVersion } from '../../domain/scoring/activate-version.js';
import type { TrainingOutcome } from '../../domain/scoring/train-user-model.js';
import { nextScheduledScoringRun, startOrganizationScoring, startUserScoring, waitForScoring } from '../../temporal/scoring-runs.js';
import { HttpError, notFound } from '../plugins/errors.js';
import { AUDIT_ACTIONS, recordAudit } from '../../domain/audit/index.js';
import { ErrorSchema } from '../accounts-schemas.js';
import { isUuid } from '../json-schemas.js';
import { ModelSchema, RunResultSchema, Started, StatusSchema, VERSION_FIELDS, VersionSchema, toModelDto, toVersionDto } from './schemas.js';

export { organizationScoringRunId } from '../../temporal/ids.js';

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
  const secured = { tags: ['scoring'], security: [{ bearerAuth: [] }] };
  const { client } = deps.temporal;
  const taskQueue = deps.config.temporal.taskQueue;
  const minLeadsPerClass = deps.config.scoring.minLeadsPerClass;
  const adminOnly = { onRequest: [app.authenticate, app.requireAdmin] };
  const UserParams = Type.Object({ userId: Type.String() });
  const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1 }) });

  /** The admin's target: a user of their own organization (anything else is 404, as if it did not exist). */
  async function targetUser(request: FastifyRequest, userId: string): Promise<string> {
    const user = isUuid(userId) ? await request.em.findOne(User, { id: userId }, { fields: ['id'] }) : null;
    if (!user) throw notFound('User');
    return user.id;
  }

  async function status(request: FastifyRequest, userId: string) {
    const { organizationId } = request.auth;
    const current = await scoringStatus(request.em, { organizationId, userId, minLeadsPerClass });
    const next = await nextScheduledScoringRun(client);
    return { ...current, nextRunAt: next?.toISOString() ?? null };
  }

  async function versions(request: FastifyRequest, userId: string) {
    const models = await request.em.find(
      LeadScoringModel,
      { organization: request.auth.organizationId, user: userId },
      { fields: [...VERSION_FIELDS], orderBy: { version: 'desc' } },
    );
    return models.map(toVersionDto);
  }

  async function activate(request: FastifyRequest, userId: string, version: number) {
    const activation = await activateVersion(request.em, { organizationId: request.auth.organizationId, userId, version });
    if (!activation) throw new HttpError(404, `Scoring model version ${version} not found for this user`);
    if (activation.changed) {
      await recordAudit(request.em, {
        organizationId: request.auth.organizationId, actorId: request.auth.userId, actorEmail: request.auth.email,
        action: AUDIT_ACTIONS.modelActivated, target: { type: 'user', id: userId }, details: { version },
      });
      await request.em.flush();
    }
    return toVersionDto(activation.model);
  }

  app.get('/ai/scoring/model', {
    onRequest: [app.authenticate],
    schema: { ...secured, summary: "The model that scores the caller's leads (their own, else the organization's)", response: { 200: ModelSchema, 401: ErrorSchema, 404: ErrorSchema } },
  }, async (request) => {
    const { organizationId, userId } = request.auth;
    const model = await modelScoringUser(request.em, organizationId, userId);
    if (model) return toModelDto(model);
    const current = await scoringStatus(request.em, { organizationId, userId, minLeadsPerClass });
    throw new HttpError(404, await whyNoModel(request.em, current, organizationId));
  });

  app.get('/ai/scoring/status', {
    onRequest: [app.authenticate],
    schema: { ...secured, summary: "Whether the caller has a model, why not, and the last and next runs", response: { 200: StatusSchema, 401: ErrorSchema } },
  }, async (request) => status(request, request.auth.userId));

  app.get('/ai/scoring/models', {
    onRequest: [app.authenticate],
    schema: { ...secured, summary: "The caller's own model versions, newest first", response: { 200: Type.Array(VersionSchema), 401: ErrorSchema } },
  }, async (request) => versions(request, request.auth.userId));

  app.post('/ai/scoring/models/:version/activate', {
    onRequest: [app.authenticate],
    schema: { ...secured, summary: 'Roll back to or pin a version; open leads are scored again', params: VersionParams, response: { 200: VersionSchema, 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema } },
  }, async (request) => activate(request, request.auth.userId, request.params.version));

  app.post('/ai/scoring/optimize', {
    onRequest: [app.authenticate],
    schema: {
      ...secured,
      summary: "Retrain the caller's model now (`wait=true`: answer with the outcome when the run ends within 60 s)",
      querystring: Type.Object({ wait: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: RunResultSchema, 202: Started, 400: ErrorSchema, 401: ErrorSchema },
    },
  }, async (request, reply) => {
    const { organizationId, userId } = request.auth;
    const handle = await startUserScoring(client, taskQueue, { organizationId, userId });
    await recordAudit(request.em, {
      organizationId, actorId: userId, actorEmail: request.auth.email, action: AUDIT_ACTIONS.scoringOptimize,
      target: { type: 'user', id: userId }, details: { workflowId: handle.workflowId },
    });
    await request.em.flush();
    if (!request.query.wait) return reply.status(202).send({ workflowId: handle.workflowId });
    const waited = await waitForScoring(client, handle, OPTIMIZE_WAIT_MS);
    if (!waited.done) return reply.status(202).send({ workflowId: handle.workflowId });
    if ('outcome' in waited) return reply.status(200).send(runResult(waited.outcome));
    return reply.status(200).send({
      outcome: 'failed' as const, reason: waited.failure, version: null, activated: false, accuracy: null, auc: null,
      trainingDataCount: null, won: null, lost: null,
    });
  });

  app.post('/admin/scoring/run', {
    ...adminOnly,
    schema: { ...secured, summary: "Retrain the organization's pooled model and every one of its users now", response: { 202: Started, 401: ErrorSchema, 403: ErrorSchema } },
  }, async (request, reply) => {
    const { organizationId } = request.auth;
    const handle = await startOrganizationScoring(client, taskQueue, organizationId);
    await recordAudit(request.em, {
      organizationId, actorId: request.auth.userId, actorEmail: request.auth.email, action: AUDIT_ACTIONS.scoringRun,
      target: { type: 'organization', id: organizationId }, details: { workflowId: handle.workflowId },
    });
    await request.em.flush();
    return reply.status(202).send({ workflowId: handle.workflowId });
  });

  app.get('/admin/users/:userId/scoring/status', {
    ...adminOnly,
    schema: { ...secured, summary: "A user's scoring status", params: UserParams, response: { 200: StatusSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema } },
  }, async (request) => status(request, await targetUser(request, request.params.userId)));

  app.get('/admin/users/:userId/scoring/models', {
    ...adminOnly,
    schema: { ...secured, summary: "A user's model versions, newest first", params: UserParams, response: { 200: Type.Array(VersionSchema), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema } },
  }, async (request) => versions(request, await targetUser(request, request.params.userId)));

  app.post('/admin/users/:userId/scoring/models/:version/activate', {
    ...adminOnly,
    schema: {
      ...secured,
      summary: "Roll back or pin a user's model version",
      params: Type.Object({ userId: Type.String(), version: Type.Integer({ minimum: 1 }) }),
      response: { 200: VersionSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
    },
  }, async (request) => activate(request, await targetUser(request, request.params.userId), request.params.version));
};

export default routes;
