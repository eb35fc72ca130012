// GET /leads/:id/score and /leads/:id/score/history: a lead's score with its band, the model
// that gave it and why (exact per-feature contributions), and how it changed. Same visibility as GET /leads/:id.
import { type TSchema, Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../deps.js';
import { Lead } from '../../domain/leads/lead.entity.js';
import { LeadScoreHistory, SCORE_CAUSES } from '../../domain/scoring/lead-score-history.entity.js';
import { bandOf } from '../../domain/scoring/calibration.js';
import { errorResponses, IsoDateTime, IdParams } from '../schemas/common.js';
import { HttpError } from '../plugins/errors.js';
import { ScopeSchema } from '../scoring/schemas.js';
import { findVisible } from '../visible-row.js';
import { tagRoutes } from '../plugins/route-groups.js';

const ScoreSchema = Type.Object({
  score: Type.Number(),
  band: Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')]),
  modelVersion: Type.Integer(),
  scope: ScopeSchema,
  scoredAt: IsoDateTime,
  intercept: Type.Number(),
  contributions: Type.Array(Type.Object({ feature: Type.String(), value: Type.Number(), contribution: Type.Number() })),
});

const HistorySchema = Type.Array(
  Type.Object({
    score: Type.Number(),
    modelVersion: Type.Integer(),
    scope: ScopeSchema,
    cause: Type.Enum(SCORE_CAUSES),
    at: IsoDateTime,
  }),
);

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app) => {
  tagRoutes(app, 'leads');
  /** A read of one lead the caller can see: its id in the path, a 404 when it is not visible. */
  const leadRead = <Response extends TSchema>(summary: string, response: Response) => ({
    schema: { summary, params: IdParams, response: { 200: response, ...errorResponses(404) } },
  });

  const visibleLead = (em: EntityManager, id: string) =>
    findVisible(em, Lead, id, 'Lead', {
      fields: ['id', 'status', 'score', 'scoreModelVersion', 'scoreScope', 'scoredAt', 'scoreExplanation'],
    });

  app.get(
    '/:id/score',
    leadRead("The lead's score, its band, the model that gave it and each feature's contribution", ScoreSchema),
    async (request) => {
      const lead = await visibleLead(request.em, request.params.id);
      if (
        lead.score == null ||
        lead.scoreModelVersion == null ||
        !lead.scoreScope ||
        !lead.scoredAt ||
        !lead.scoreExplanation
      ) {
        const why =
          lead.score == null
            ? "no scoring model applies to it yet (neither its user's nor the organization's)"
            : 'it was scored before scores were explained; it is explained from its next scoring on';
        throw new HttpError(404, `This lead has no explained score: ${why}`);
      }
      const score = Number(lead.score);
      return {
        score,
        band: bandOf(score),
        modelVersion: lead.scoreModelVersion,
        scope: lead.scoreScope,
        scoredAt: lead.scoredAt.toISOString(),
        intercept: lead.scoreExplanation.intercept,
        contributions: lead.scoreExplanation.contributions,
      };
    },
  );

  app.get(
    '/:id/score/history',
    leadRead("How the lead's score changed and why, newest first", HistorySchema),
    async (request) => {
      const lead = await visibleLead(request.em, request.params.id);
      const rows = await request.em.find(LeadScoreHistory, { lead: lead.id }, { orderBy: { at: 'desc', id: 'desc' } });
      return rows.map((r) => ({
        score: r.score,
        modelVersion: r.modelVersion,
        scope: r.scope,
        cause: r.cause,
        at: r.at.toISOString(),
      }));
    },
  );
};

export default routes;
