// /openai-prompts/* (CONTRACT §3 "Prompt configuration"): a user's own prompt ids, and the admin's view of them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import { PROMPT_FIELDS, PromptChange } from '../../domain/prompts/prompt-change.entity.js';
import { systemDefaults } from '../../domain/prompts/prompt-resolver.js';
import { applyPromptPatch, promptHistory, promptSettingsView, type PromptPatch } from '../../domain/prompts/prompt-settings.js';
import { PromptValidator, promptIdFormatError } from '../../domain/prompts/prompt-validator.js';
import { flattenTranscript } from '../../domain/calls/transcript.js';
import { parseJsonObject } from '../../openai/gateway.js';
import {
  InvalidOutputError, OpenAIBadRequestError, OpenAINotConfiguredError, OpenAIRequestError, OpenAIUnauthorizedError, OpenAIUnavailableError,
  PromptNotFoundError, RateLimitedError,
} from '../../openai/errors.js';
import { publicOpenAIMessage } from '../../openai/public-message.js';
import { HttpError, badRequest, notFound } from '../plugins/errors.js';
import { ErrorSchema, isUuid } from '../schemas/common.js';
import {
  BulkPromptBody, BulkResult, Preview, PreviewBody, PromptHistory, PromptPatchBody, PromptSettings, RevertBody, UserIdParams, Validation, ValidateBody,
} from './schemas.js';


/** What a failed preview run means for the caller: their prompt (400) or OpenAI being unusable right now (502/503). */
function previewFailure(error: unknown): unknown {
  if (!(error instanceof OpenAIRequestError)) return error;
  const message = publicOpenAIMessage(error);
  if (error instanceof PromptNotFoundError || error instanceof OpenAIBadRequestError || error instanceof InvalidOutputError) {
    return badRequest(message, { promptId: message });
  }
  if (error instanceof OpenAIUnauthorizedError) return new HttpError(502, `${message}; the preview could not run`);
  if (error instanceof OpenAINotConfiguredError || error instanceof RateLimitedError) return new HttpError(503, `The preview could not run now: ${message}`);
  if (error instanceof OpenAIUnavailableError) return new HttpError(502, `The preview could not run: ${message}`);
  return error;
}

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  app.addHook('onRequest', app.authenticate);

  const validator = new PromptValidator(deps.openai);
  const defaults = systemDefaults(deps.config.openai);
  const secured = { tags: ['prompts'], security: [{ bearerAuth: [] }] };
  const admin = { onRequest: [app.requireAdmin] };
  // Routes that may call OpenAI on the operator's key: one per-user budget shared by all of them.
  const spends = { preHandler: [app.openaiRateLimit] };
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 429: ErrorSchema };

  /** Validates every non-null id (null = system default, always accepted); a 400 names each failing field. */
  async function checkPatch(patch: PromptPatch) {
    const details: Record<string, string> = {};
    await Promise.all(PROMPT_FIELDS.map(async (field) => {
      const promptId = patch[field];
      if (promptId == null) return;
      const result = await validator.validate(promptId);
      if (!result.valid) details[field] = result.error;
    }));
    if (Object.keys(details).length) throw badRequest('Some prompt ids cannot be used; nothing was saved', details);
  }

  /** A user of the caller's organization (the tenant filter hides the others: 404, as if they did not exist). */
  async function targetUser(request: FastifyRequest, userId: string) {
    const user = isUuid(userId) ? await request.em.findOne(User, { id: userId }) : null;
    if (!user) throw notFound('User');
    return user;
  }

  async function savePatch(request: FastifyRequest, userId: string, patch: PromptPatch, recordUnchanged = false) {
    await checkPatch(patch);
    const user = await applyPromptPatch(request.em, { userId, actorId: request.auth.userId, patch, recordUnchanged });
    if (!user) throw notFound('User');
    return promptSettingsView(user, defaults);
  }

  app.get('/my-prompts', { schema: { ...secured, response: { 200: PromptSettings, ...errors } } }, async (request) => {
    return promptSettingsView(await targetUser(request, request.auth.userId), defaults);
  });

  app.put('/my-prompts', { ...spends, schema: { ...secured, body: PromptPatchBody, response: { 200: PromptSettings, ...errors } } }, async (request) => {
    return savePatch(request, request.auth.userId, request.body);
  });

  app.post('/validate', { ...spends, schema: { ...secured, body: ValidateBody, response: { 200: Validation, ...errors } } }, async (request) => {
    return validator.validate(request.body.promptId);
  });

  app.get('/my-prompts/history', { schema: { ...secured, response: { 200: PromptHistory, ...errors } } }, async (request) => {
    return promptHistory(request.em, request.auth.userId);
  });

  app.post('/my-prompts/revert', { ...spends, schema: { ...secured, body: RevertBody, response: { 200: PromptSettings, ...errors } } }, async (request) => {
    const { historyId } = request.body;
    const entry = isUuid(historyId) ? await request.em.findOne(PromptChange, { id: historyId, targetUser: request.auth.userId }) : null;
    if (!entry) throw notFound('History entry');
    return savePatch(request, request.auth.userId, { [entry.field]: entry.oldValue ?? null }, true);
  });

  app.post('/preview', { ...spends, schema: { ...secured, body: PreviewBody, response: { 200: Preview, ...errors, 502: ErrorSchema, 503: ErrorSchema } } }, async (request) => {
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
  });

  app.get('/admin/users/:userId/prompts', {
    ...admin,
    schema: { ...secured, params: UserIdParams, response: { 200: PromptSettings, ...errors } },
  }, async (request) => promptSettingsView(await targetUser(request, request.params.userId), defaults));

  app.put('/admin/users/:userId/prompts', {
    ...admin,
    ...spends,
    schema: { ...secured, params: UserIdParams, body: PromptPatchBody, response: { 200: PromptSettings, ...errors } },
  }, async (request) => {
    const user = await targetUser(request, request.params.userId);
    return savePatch(request, user.id, request.body);
  });

  app.get('/admin/users/:userId/prompts/history', {
    ...admin,
    schema: { ...secured, params: UserIdParams, response: { 200: PromptHistory, ...errors } },
  }, async (request) => {
    const user = await targetUser(request, request.params.userId);
    return promptHistory(request.em, user.id);
  });

  app.put('/admin/prompts', {
    ...admin,
    ...spends,
    schema: { ...secured, body: BulkPromptBody, response: { 200: BulkResult, ...errors } },
  }, async (request) => {
    const { userIds, ...patch } = request.body;
    await checkPatch(patch);
    // One transaction per user: a failure for one does not undo the others, and the answer says which.
    const results = [];
    for (const userId of userIds) {
      try {
        const user = isUuid(userId) ? await applyPromptPatch(request.em, { userId, actorId: request.auth.userId, patch }) : null;
        results.push(user ? { userId, ok: true } : { userId, ok: false, error: 'User not found' });
      } catch (error) {
        request.log.error({ err: error, userId }, 'bulk prompt update failed for one user');
        results.push({ userId, ok: false, error: 'Could not apply the change to this user; try again' });
      }
    }
    return { results };
  });
};

export default routes;
