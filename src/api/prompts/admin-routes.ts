// /openai-prompts/admin/*: an admin's view and changes of the prompt settings of their organization's users,
// one at a time or in bulk.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { applyPromptPatch, promptHistory } from '../../domain/prompts/prompt-settings.js';
import { errorResponses, isUuid, UserIdParams } from '../schemas/common.js';
import { BulkPromptBody, BulkResult, PromptHistory, PromptPatchBody, PromptSettings } from './schemas.js';
import { promptSettings } from './settings.js';
import { tagRoutes } from '../plugins/route-groups.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'prompts');
  const { checkPatch, targetUser, savePatch, viewOf } = promptSettings(deps);
  // Routes that may call OpenAI on the operator's key: one per-user budget shared by all of them.
  const spends = { preHandler: [app.openaiRateLimit] };
  const errors = { ...errorResponses(400, 404, 429, 503) };

  app.get(
    '/users/:userId/prompts',
    {
      schema: { params: UserIdParams, response: { 200: PromptSettings, ...errors } },
    },
    async (request) => viewOf(request, await targetUser(request, request.params.userId)),
  );

  app.put(
    '/users/:userId/prompts',
    {
      ...spends,
      schema: { params: UserIdParams, body: PromptPatchBody, response: { 200: PromptSettings, ...errors } },
    },
    async (request) => {
      const user = await targetUser(request, request.params.userId);
      return savePatch(request, user.id, request.body);
    },
  );

  app.get(
    '/users/:userId/prompts/history',
    {
      schema: { params: UserIdParams, response: { 200: PromptHistory, ...errors } },
    },
    async (request) => {
      const user = await targetUser(request, request.params.userId);
      return promptHistory(request.em, user.id);
    },
  );

  app.put(
    '/prompts',
    {
      ...spends,
      schema: { body: BulkPromptBody, response: { 200: BulkResult, ...errors } },
    },
    async (request) => {
      const { userIds, ...patch } = request.body;
      await checkPatch(request, patch);
      // One transaction per user: a failure for one does not undo the others, and the answer says which.
      const results = [];
      for (const userId of userIds) {
        try {
          const user = isUuid(userId)
            ? await applyPromptPatch(request.em, { userId, actorId: request.auth.userId, patch })
            : null;
          results.push(user ? { userId, ok: true } : { userId, ok: false, error: 'User not found' });
        } catch (error) {
          request.log.error({ err: error, userId }, 'bulk prompt update failed for one user');
          results.push({ userId, ok: false, error: 'Could not apply the change to this user; try again' });
        }
      }
      return { results };
    },
  );
};

export default routes;
