// GET|PUT /ai/preferences: the caller's own preferences.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { INSIGHTS_FREQUENCIES } from '../../domain/preferences/user-ai-preferences.entity.js';
import { getPreferences, savePreferences, type PreferencesView } from '../../domain/preferences/preferences.js';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { recordRequestAudit } from '../audit.js';
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

/** Longer values (custom instructions) are cut in the audit entry: it says what changed, not the whole text. */
const AUDITED_CHARS = 200;
const audited = (value: unknown) =>
  typeof value === 'string' && value.length > AUDITED_CHARS ? `${value.slice(0, AUDITED_CHARS)}…` : value;

function preferenceChanges(before: PreferencesView, after: PreferencesView) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof PreferencesView)[]) {
    if (before[key] !== after[key]) changes[key] = { from: audited(before[key]), to: audited(after[key]) };
  }
  return changes;
}

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
      const before = await getPreferences(request.em, request.auth.userId);
      const saved = await savePreferences(
        request.em,
        { organizationId: request.auth.organizationId, userId: request.auth.userId },
        request.body,
      );
      // Preferences fill prompt variables (tone, custom instructions): what an analysis is told is audited.
      const changes = preferenceChanges(before, saved);
      if (Object.keys(changes).length) {
        await recordRequestAudit(request, {
          action: AUDIT_ACTIONS.preferencesChanged,
          target: { type: 'user', id: request.auth.userId },
          details: { changes },
        });
        await request.em.flush();
      }
      return saved;
    },
  );
};

export default routes;
