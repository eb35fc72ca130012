// GET /admin/usage: the organization's OpenAI use (today, the budget, the last 30 UTC days) from what every path
// that calls OpenAI recorded: analyses, folds, validations, previews, runs and experiments.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../deps.js';
import { nextUtcDay, usageDays } from '../../domain/usage/budget.js';
import { tagRoutes } from '../plugins/route-groups.js';
import { errorResponses } from '../schemas/common.js';

const Day = Type.Object({
  date: Type.String(),
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  costUsd: Type.Number(),
});

const Usage = Type.Object({
  today: Type.Object({ inputTokens: Type.Integer(), outputTokens: Type.Integer(), costUsd: Type.Number() }),
  budgetTokens: Type.Integer(),
  resetsAt: Type.String({ format: 'date-time' }),
  days: Type.Array(Day),
});

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'admin');
  app.get('/usage', { schema: { response: { 200: Usage, ...errorResponses() } } }, async (request) => {
    const days = await usageDays(request.em, request.auth.organizationId);
    const { date: _date, ...today } = days[days.length - 1]!;
    return {
      today,
      budgetTokens: deps.config.openai.tokenBudgetPerDay,
      resetsAt: nextUtcDay().toISOString(),
      days,
    };
  });
};

export default routes;
