// /openai-prompts/*: the caller's own prompt ids, checks and previews.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { PromptChange } from '../../domain/prompts/prompt-change.entity.js';
import { promptHistory, promptSettingsView } from '../../domain/prompts/prompt-settings.js';
import { promptIdFormatError } from '../../domain/prompts/prompt-validator.js';
import { flattenTranscript } from '../../domain/calls/transcript.js';
import { parseJsonObject } from '../../openai/gateway.js';
import { OpenAIRequestError } from '../../openai/errors.js';
import { publicOpenAIMessage } from '../../openai/public-message.js';
import { HttpError, badRequest, notFound } from '../plugins/errors.js';
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
import { tagRoutes } from '../plugins/route-groups.js';

/** What a failed preview run means for the caller: their prompt (400) or OpenAI being unusable right now (502/503). */
function previewFailure(error: unknown): unknown {
  if (!(error instanceof OpenAIRequestError)) return error;
  const message = publicOpenAIMessage(error);
  switch (error.kind) {
    case 'prompt_not_found':
    case 'bad_request':
    case 'invalid_output':
      return badRequest(message, { promptId: message });
    case 'unauthorized':
      return new HttpError(502, `${message}; the preview could not run`);
    case 'not_configured':
    case 'rate_limited':
      return new HttpError(503, `The preview could not run now: ${message}`);
    case 'unavailable':
      return new HttpError(502, `The preview could not run: ${message}`);
  }
}

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'prompts');
  const { validator, defaults, savePatch } = promptSettings(deps);
  // Routes that may call OpenAI on the operator's key: one per-user budget shared by all of them.
  const spends = { preHandler: [app.openaiRateLimit] };
  const errors = errorResponses(400, 403, 404, 429);

  app.get('/my-prompts', { schema: { response: { 200: PromptSettings, ...errors } } }, async (request) => {
    return promptSettingsView(request.currentUser, defaults);
  });

  app.put(
    '/my-prompts',
    {
      ...spends,
      schema: { body: PromptPatchBody, response: { 200: PromptSettings, ...errors } },
    },
    async (request) => {
      return savePatch(request, request.auth.userId, request.body);
    },
  );

  app.post(
    '/validate',
    {
      ...spends,
      schema: { body: ValidateBody, response: { 200: Validation, ...errors } },
    },
    async (request) => {
      return validator.validate(request.body.promptId);
    },
  );

  app.get('/my-prompts/history', { schema: { response: { 200: PromptHistory, ...errors } } }, async (request) => {
    return promptHistory(request.em, request.auth.userId);
  });

  app.post(
    '/my-prompts/revert',
    {
      ...spends,
      schema: { body: RevertBody, response: { 200: PromptSettings, ...errors } },
    },
    async (request) => {
      const { historyId } = request.body;
      const entry = isUuid(historyId)
        ? await request.em.findOne(PromptChange, { id: historyId, targetUser: request.auth.userId })
        : null;
      if (!entry) throw notFound('History entry');
      return savePatch(request, request.auth.userId, { [entry.field]: entry.oldValue ?? null }, true);
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
      const formatError = promptIdFormatError(promptId);
      if (formatError) throw badRequest(formatError, { promptId: formatError });
      try {
        // store: false: a trial run on a pasted transcript has no reason to be kept at OpenAI either.
        const run = await deps.openai.runPrompt({ promptId, input: flattenTranscript(transcript), store: false });
        return { output: parseJsonObject(run.outputText), model: run.model, promptId, usage: run.usage };
      } catch (error) {
        if (error instanceof OpenAIRequestError) request.log.warn({ err: error, promptId }, 'preview failed');
        throw previewFailure(error);
      }
    },
  );
};

export default routes;
