// GET /calls, GET /calls/:id, its analyses, and re-analysis. Visibility is the request's
// EntityManager's: its tenant filter keeps other organizations out, its visibility filter narrows a `user` to
// their own calls (so a user may re-analyse only their own; an admin any of the organization's).
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../deps.js';
import { Call } from '../../domain/calls/call.entity.js';
import { Analysis } from '../../domain/analyses/analysis.entity.js';
import { workflowUrl } from '../../temporal/links.js';
import { RunAlreadyOpenError, startCallReanalysis } from '../../temporal/starters.js';
import { errorResponses, Uuid, IdParams } from '../schemas/common.js';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { PageQuery, findPage, pageOf } from '../pagination.js';
import { conflict } from '../plugins/errors.js';
import { recordRequestAudit } from '../audit.js';
import { findVisible } from '../visible-row.js';
import {
  CallAnalysisEntrySchema,
  CallDetailSchema,
  CallSchema,
  CallStatusSchema,
  toCallDetailDto,
  toCallDto,
} from './schemas.js';
import { tagRoutes } from '../plugins/route-groups.js';

async function findVisibleCall(em: EntityManager, id: string, options: { withTranscript?: boolean } = {}) {
  // The transcript is lazy (it can be megabytes): only the call's own page loads it.
  return findVisible(em, Call, id, 'Call', options.withTranscript ? { populate: ['transcript'] } : {});
}

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'calls');

  app.get(
    '/',
    {
      schema: {
        summary: "Calls, newest first (a user sees their own, an admin the organization's)",
        querystring: Type.Object(
          { leadId: Type.Optional(Uuid), status: Type.Optional(CallStatusSchema), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(CallSchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { leadId, status, limit, cursor } = request.query;
      return findPage(
        request.em,
        Call,
        { ...(leadId ? { lead: leadId } : {}), ...(status ? { status } : {}) },
        { limit, cursor },
        toCallDto,
      );
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One call, its transcript and its analysis',
        params: IdParams,
        response: { 200: CallDetailSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const call = await findVisibleCall(request.em, request.params.id, { withTranscript: true });
      return { ...toCallDetailDto(call), workflowUrl: workflowUrl(deps.config.temporal, call.workflowId) };
    },
  );

  app.get(
    '/:id/analyses',
    {
      schema: {
        summary: 'Every analysis of the call, newest first (re-analysis keeps the earlier ones)',
        params: IdParams,
        response: { 200: Type.Array(CallAnalysisEntrySchema), ...errorResponses(404) },
      },
    },
    async (request) => {
      const call = await findVisibleCall(request.em, request.params.id);
      const analyses = await request.em.find(
        Analysis,
        { callId: call.id, kind: 'individual', outcome: 'succeeded' },
        { orderBy: { createdAt: 'desc', id: 'desc' } },
      );
      return analyses.map((entry) => ({
        analysis: entry.analysis ?? {},
        promptId: entry.promptId ?? null,
        promptName: entry.promptName ?? null,
        promptSource: entry.promptSource ?? null,
        promptVersion: entry.promptVersion ?? null,
        fallbackReason: entry.fallbackReason ?? null,
        model: entry.model ?? null,
        usage:
          entry.inputTokens == null || entry.outputTokens == null
            ? null
            : { inputTokens: entry.inputTokens, outputTokens: entry.outputTokens },
        createdAt: entry.createdAt.toISOString(),
      }));
    },
  );

  app.post(
    '/:id/reanalyze',
    {
      // Each re-analysis spends the operator's OpenAI key: the per-user on-demand limit applies.
      preHandler: [app.openaiRateLimit],
      schema: {
        summary: 'Analyse the call again with the prompts configured now (its lead is folded and scored again)',
        params: IdParams,
        response: {
          202: Type.Object({ id: Uuid, workflowId: Type.String() }),
          ...errorResponses(404, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const call = await findVisibleCall(request.em, request.params.id);
      try {
        await startCallReanalysis(deps.temporal.client, deps.config, {
          organizationId: request.auth.organizationId,
          userId: call.user ?? null,
          leadId: call.lead,
          callRowId: call.id,
          workflowId: call.workflowId,
        });
      } catch (error) {
        if (error instanceof RunAlreadyOpenError) throw conflict(error.message);
        throw error;
      }
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.reanalysisRequested,
        target: { type: 'call', id: call.id },
        details: { workflowId: call.workflowId },
      });
      await request.em.flush();
      return reply.status(202).send({ id: call.id, workflowId: call.workflowId });
    },
  );
};

export default routes;
