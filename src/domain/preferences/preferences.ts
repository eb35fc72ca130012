// A user's AI preferences: the defaults until they save something; a save is a partial update (upsert).
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type INSIGHTS_FREQUENCIES,
  type IUserAIPreferences,
  PREFERENCE_DEFAULTS,
  UserAIPreferences,
} from './user-ai-preferences.entity.js';

export interface PreferencesView {
  chatbotTone: string;
  autoSuggestActions: boolean;
  enableProactive: boolean;
  preferredContactTime: string | null;
  aiInsightsFrequency: (typeof INSIGHTS_FREQUENCIES)[number];
  customInstructions: string | null;
}

// Typed as the view, so a field added to the view without a default fails the typecheck.
const DEFAULTS: PreferencesView = PREFERENCE_DEFAULTS;
const PREFERENCE_KEYS = Object.keys(DEFAULTS) as (keyof PreferencesView)[];

/** The saved preferences, or the defaults for what was never saved. */
function view(row: IUserAIPreferences | null): PreferencesView {
  const entries = PREFERENCE_KEYS.map((key) => [key, row?.[key] ?? DEFAULTS[key]]);
  // Every key of the view is in PREFERENCE_KEYS, each with its column's value or its default.
  return Object.fromEntries(entries) as unknown as PreferencesView;
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
    { ...DEFAULTS, ...patch, organization: scope.organizationId, user: scope.userId, updatedAt },
    {
      onConflictFields: ['user'],
      onConflictAction: 'merge',
      onConflictMergeFields: [...(Object.keys(patch) as (keyof PreferencesView)[]), 'updatedAt'],
    },
  );
  return getPreferences(em, scope.userId);
}
