// GET|PUT /ai/preferences: the caller's own preferences.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { INSIGHTS_FREQUENCIES } from '../../domain/preferences/user-ai-preferences.entity.js';
import { getPreferences, savePreferences } from '../../domain/preferences/preferences.js';
import { errorResponses, NullableString } from '../schemas/common.js';
import { tagRoutes } from '../plugins/route-groups.js';

const fields = {
  chatbotTone: Type.String({ minLength: 1, maxLength: 100 }),
  autoSuggestActions: Type.Boolean(),
  enableProactive: Type.Boolean(),
  preferredContactTime: NullableString({ minLength: 1, maxLength: 100 }),
  aiInsightsFrequency: Type.Enum(INSIGHTS_FREQUENCIES),
  customInstructions: NullableString({ maxLength: 4000 }),
};
const Preferences = Type.Object(fields);
// The options go on Partial itself: it builds a new object schema and drops those of its argument.
const PreferencesPatch = Type.Partial(Type.Object(fields), { additionalProperties: false });

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app) => {
  tagRoutes(app, 'preferences');

  app.get('/preferences', { schema: { response: { 200: Preferences } } }, async (request) => {
    return getPreferences(request.em, request.auth.userId);
  });

  app.put(
    '/preferences',
    {
      schema: { body: PreferencesPatch, response: { 200: Preferences, ...errorResponses(400) } },
    },
    async (request) => {
      return savePreferences(
        request.em,
        { organizationId: request.auth.organizationId, userId: request.auth.userId },
        request.body,
      );
    },
  );
};

export default routes;
