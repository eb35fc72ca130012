// /prompts/:id/experiments and /prompts/experiments/:id: start, follow, cancel and delete prompt experiments.
// Starting, cancelling and deleting are for the prompt's creator or an admin; everyone in the organization reads.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../deps.js';
import { AUDIT_ACTIONS, recordAudit } from '../../domain/audit/index.js';
import { PromptExperiment } from '../../domain/experiments/experiment.entity.js';
import {
  deleteExperimentRows,
  experimentView,
  MAX_LEADS,
  planExperiment,
} from '../../domain/experiments/experiments.js';
import { Prompt } from '../../domain/prompts/prompt.entity.js';
import { assertMayChange } from '../../domain/prompts/prompt-library.js';
import { experimentWorkflowId } from '../../temporal/ids.js';
import { cancelPromptExperiment, startPromptExperiment } from '../../temporal/starters.js';
import { notFound } from '../plugins/errors.js';
import { tagRoutes } from '../plugins/route-groups.js';
import { errorResponses, isUuid, Nullable } from '../schemas/common.js';
import { PromptParams } from './library-schemas.js';

const Arm = Type.Object({
  auc: Nullable(Type.Number()),
  schemaValidRate: Nullable(Type.Number()),
  failureRate: Nullable(Type.Number()),
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  costUsd: Nullable(Type.Number()),
  p50LatencyMs: Nullable(Type.Number()),
});

const Experiment = Type.Object({
  id: Type.String(),
  promptId: Type.String(),
  baselineVersion: Type.Integer(),
  candidateVersion: Type.Integer(),
  status: Type.Union([
    Type.Literal('running'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  progress: Type.Object({ total: Type.Integer(), done: Type.Integer(), failed: Type.Integer() }),
  results: Nullable(
    Type.Object({
      leads: Type.Integer(),
      won: Type.Integer(),
      lost: Type.Integer(),
      baseline: Arm,
      candidate: Arm,
      aucDifference: Type.Object({
        value: Nullable(Type.Number()),
        ci95: Nullable(Type.Tuple([Type.Number(), Type.Number()])),
      }),
      agreement: Type.Record(Type.String(), Type.Number()),
      verdict: Type.Union([
        Type.Literal('candidate-better'),
        Type.Literal('baseline-better'),
        Type.Literal('inconclusive'),
      ]),
    }),
  ),
  error: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
});

const StartBody = Type.Object(
  {
    candidateVersion: Type.Integer({ minimum: 1 }),
    baselineVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    maxLeads: Type.Optional(Type.Integer({ minimum: 20, maximum: MAX_LEADS })),
    serviceTier: Type.Optional(Type.Union([Type.Literal('flex'), Type.Literal('default')])),
  },
  { additionalProperties: false },
);

const ExperimentParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'prompts');
  const errors = errorResponses(400, 403, 404, 409, 422);

  const actorOf = (request: FastifyRequest) => ({
    id: request.auth.userId,
    email: request.currentUser.email,
    role: request.auth.role,
  });

  async function findExperiment(request: FastifyRequest, id: string) {
    const experiment = isUuid(id) ? await request.em.findOne(PromptExperiment, { id }) : null;
    if (!experiment) throw notFound('Experiment');
    return experiment;
  }

  /** Cancelling and deleting follow the same rule as starting: the prompt's creator or an admin. */
  async function assertMayManage(request: FastifyRequest, promptId: string) {
    const prompt = await request.em.findOne(Prompt, { id: promptId }, { fields: ['id', 'createdById'] });
    assertMayChange(prompt ?? { createdById: null }, actorOf(request));
  }

  app.post(
    '/:id/experiments',
    {
      schema: {
        params: PromptParams,
        body: StartBody,
        response: { 202: Type.Object({ id: Type.String(), workflowId: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const { organizationId } = request.auth;
      const experimentId = randomUUID();
      const workflowId = experimentWorkflowId(organizationId, experimentId);
      const body = request.body;
      const row = await planExperiment(request.em, {
        organizationId,
        actor: actorOf(request),
        experimentId,
        workflowId,
        promptId: request.params.id,
        candidateVersion: body.candidateVersion,
        baselineVersion: body.baselineVersion,
        since: body.since ? new Date(body.since) : undefined,
        until: body.until ? new Date(body.until) : undefined,
        maxLeads: body.maxLeads,
        serviceTier: body.serviceTier,
      });
      await request.em.transactional(async (tx) => {
        tx.create(PromptExperiment, row);
        await recordAudit(tx, {
          organizationId,
          actorId: request.auth.userId,
          actorEmail: request.currentUser.email,
          action: AUDIT_ACTIONS.experimentStarted,
          target: { type: 'prompt', id: row.promptId },
          details: {
            experimentId,
            baselineVersion: row.baselineVersion,
            candidateVersion: row.candidateVersion,
            maxLeads: row.maxLeads,
            serviceTier: row.serviceTier,
          },
        });
      });
      await startPromptExperiment(deps.temporal.client, deps.config, { organizationId, experimentId, workflowId });
      reply.status(202);
      return { id: experimentId, workflowId };
    },
  );

  app.get(
    '/:id/experiments',
    { schema: { params: PromptParams, response: { 200: Type.Array(Experiment), ...errors } } },
    async (request) => {
      const experiments = await request.em.find(
        PromptExperiment,
        { promptId: request.params.id },
        { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 100 },
      );
      return Promise.all(experiments.map((experiment) => experimentView(request.em, experiment)));
    },
  );

  app.get(
    '/experiments/:id',
    { schema: { params: ExperimentParams, response: { 200: Experiment, ...errors } } },
    async (request) => experimentView(request.em, await findExperiment(request, request.params.id)),
  );

  app.post(
    '/experiments/:id/cancel',
    { schema: { params: ExperimentParams, response: { 202: Type.Object({ id: Type.String() }), ...errors } } },
    async (request, reply) => {
      const experiment = await findExperiment(request, request.params.id);
      await assertMayManage(request, experiment.promptId);
      if (experiment.status === 'running') await cancelPromptExperiment(deps.temporal.client, experiment.workflowId);
      await request.em.transactional(async (tx) => {
        await recordAudit(tx, {
          organizationId: request.auth.organizationId,
          actorId: request.auth.userId,
          actorEmail: request.currentUser.email,
          action: AUDIT_ACTIONS.experimentCancelled,
          target: { type: 'prompt', id: experiment.promptId },
          details: { experimentId: experiment.id },
        });
      });
      reply.status(202);
      return { id: experiment.id };
    },
  );

  app.delete(
    '/experiments/:id',
    { schema: { params: ExperimentParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const experiment = await findExperiment(request, request.params.id);
      await assertMayManage(request, experiment.promptId);
      // A running experiment is stopped first, so no batch writes items after they are deleted.
      if (experiment.status === 'running') await cancelPromptExperiment(deps.temporal.client, experiment.workflowId);
      await request.em.transactional(async (tx) => {
        await deleteExperimentRows(tx, experiment.id);
        await recordAudit(tx, {
          organizationId: request.auth.organizationId,
          actorId: request.auth.userId,
          actorEmail: request.currentUser.email,
          action: AUDIT_ACTIONS.experimentDeleted,
          target: { type: 'prompt', id: experiment.promptId },
          details: { experimentId: experiment.id },
        });
      });
      return reply.status(204).send(null);
    },
  );
};

export default routes;
