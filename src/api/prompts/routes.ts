// /openai-prompts/*: the caller's own prompt settings (PromptRefs under the seed's field names), checks,
// history and previews.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { PromptChange } from '../../domain/prompts/prompt-change.entity.js';
import { promptHistory } from '../../domain/prompts/prompt-settings.js';
import { isRetiredOpenAIPrompt, retiredPromptMessage } from '../../domain/prompts/prompt-ref.js';
import { badRequest, notFound } from '../plugins/errors.js';
import { errorResponses, isUuid } from '../schemas/common.js';
import {
  Preview,
  PreviewBody,
  PromptHistory,
  PromptPatchBody,
  PromptSettings,
  RevertBody,
  Validation,
  ValidateBody,
} from './schemas.js';
import { promptSettings } from './settings.js';
import { assertBudget, assertConfigured, runOnce } from './run-once.js';
import { tagRoutes } from '../plugins/route-groups.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'prompts');
  const { validator, savePatch, viewOf } = promptSettings(deps);
  // Routes that may call OpenAI on the operator's key: one per-user budget shared by all of them.
  const spends = { preHandler: [app.openaiRateLimit] };
  const errors = errorResponses(400, 403, 404, 429);

  app.get('/my-prompts', { schema: { response: { 200: PromptSettings, ...errors } } }, async (request) => {
    return viewOf(request, request.currentUser);
  });

  app.put(
    '/my-prompts',
    {
      ...spends,
      schema: { body: PromptPatchBody, response: { 200: PromptSettings, ...errors, ...errorResponses(503) } },
    },
    async (request) => {
      return savePatch(request, request.auth.userId, request.body);
    },
  );

  app.post(
    '/validate',
    {
      ...spends,
      schema: { body: ValidateBody, response: { 200: Validation, ...errors, ...errorResponses(503) } },
    },
    async (request) => {
      const { promptId } = request.body;
      // Resolution first: a malformed or unknown reference is answered without OpenAI, key or not.
      const resolved = await validator.resolve(request.em, promptId);
      if (!resolved.ok) return { valid: false, error: resolved.error };
      assertConfigured(deps);
      await assertBudget(deps, request);
      return validator.validate(request.em, request.auth.organizationId, promptId);
    },
  );

  app.get('/my-prompts/history', { schema: { response: { 200: PromptHistory, ...errors } } }, async (request) => {
    return promptHistory(request.em, request.auth.userId);
  });

  app.post(
    '/my-prompts/revert',
    {
      ...spends,
      schema: { body: RevertBody, response: { 200: PromptSettings, ...errors, ...errorResponses(503) } },
    },
    async (request) => {
      const { historyId } = request.body;
      const entry = isUuid(historyId)
        ? await request.em.findOne(PromptChange, { id: historyId, targetUser: request.auth.userId })
        : null;
      if (!entry) throw notFound('History entry');
      const value = entry.oldValue ?? null;
      if (value && isRetiredOpenAIPrompt(value))
        throw badRequest('A retired OpenAI prompt cannot be restored', { historyId: retiredPromptMessage(value) });
      return savePatch(request, request.auth.userId, { [entry.field]: value }, true);
    },
  );

  app.post(
    '/preview',
    {
      ...spends,
      schema: { body: PreviewBody, response: { 200: Preview, ...errors, ...errorResponses(502, 503) } },
    },
    async (request) => {
      const { promptId, transcript } = request.body;
      const resolved = await validator.resolve(request.em, promptId);
      if (!resolved.ok) throw badRequest(resolved.error, { promptId: resolved.error });
      const run = await runOnce(deps, request, resolved.spec, { transcript });
      if (!run.valid)
        throw badRequest(`The prompt's output does not match its schema: ${run.errors.join('; ')}`, {
          promptId: run.errors.join('; '),
        });
      return {
        output: run.output as Record<string, unknown>,
        model: run.model,
        promptId: resolved.spec.promptId,
        promptVersion: resolved.spec.version,
        usage: run.usage,
      };
    },
  );
};

export default routes;
