// A user's AI preferences: the defaults until they save something; a save is a partial update (upsert).
import type { EntityManager } from '@mikro-orm/postgresql';
import { type INSIGHTS_FREQUENCIES, UserAIPreferences, type IUserAIPreferences } from './user-ai-preferences.entity.js';

export interface PreferencesView {
  chatbotTone: string;
  autoSuggestActions: boolean;
  enableProactive: boolean;
  preferredContactTime: string | null;
  aiInsightsFrequency: (typeof INSIGHTS_FREQUENCIES)[number];
  customInstructions: string | null;
}

const DEFAULT_PREFERENCES: PreferencesView = {
  chatbotTone: 'professional',
  autoSuggestActions: true,
  enableProactive: true,
  preferredContactTime: null,
  aiInsightsFrequency: 'daily',
  customInstructions: null,
};

function view(row: IUserAIPreferences | null): PreferencesView {
  if (!row) return { ...DEFAULT_PREFERENCES };
  return {
    chatbotTone: row.chatbotTone,
    autoSuggestActions: row.autoSuggestActions,
    enableProactive: row.enableProactive,
    preferredContactTime: row.preferredContactTime ?? null,
    aiInsightsFrequency: row.aiInsightsFrequency,
    customInstructions: row.customInstructions ?? null,
  };
}

export async function getPreferences(em: EntityManager, userId: string): Promise<PreferencesView> {
  return view(await em.findOne(UserAIPreferences, { user: userId }, { refresh: true }));
}

/**
 * One statement (insert … on conflict (user_id) do update) so two first saves cannot collide; only the given
 * fields change.
 */
export async function savePreferences(
  em: EntityManager,
  scope: { organizationId: string; userId: string },
  patch: Partial<PreferencesView>,
): Promise<PreferencesView> {
  const updatedAt = new Date();
  await em.upsert(
    UserAIPreferences,
    { ...DEFAULT_PREFERENCES, ...patch, organization: scope.organizationId, user: scope.userId, updatedAt },
    {
      onConflictFields: ['user'],
      onConflictAction: 'merge',
      onConflictMergeFields: [...(Object.keys(patch) as (keyof PreferencesView)[]), 'updatedAt'],
    },
  );
  return getPreferences(em, scope.userId);
}
