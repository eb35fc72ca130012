import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { insertedAt, updatedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { User } from '../accounts/user.entity.js';

export const INSIGHTS_FREQUENCIES = ['realtime', 'daily', 'weekly'] as const;

/** What a user has before saving anything: what reads answer then, and the columns' defaults. */
export const PREFERENCE_DEFAULTS = {
  aiInsightsFrequency: 'daily',
  autoSuggestActions: true,
  chatbotTone: 'professional',
  customInstructions: null,
  enableProactive: true,
  preferredContactTime: null,
} as const;

export const UserAIPreferences = defineEntity({
  ...tenantTable('UserAIPreferences', 'user_ai_preferences'),
  properties: {
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade').unique(),
    chatbotTone: p.string().length(100).default(PREFERENCE_DEFAULTS.chatbotTone),
    autoSuggestActions: p.boolean().default(PREFERENCE_DEFAULTS.autoSuggestActions),
    enableProactive: p.boolean().default(PREFERENCE_DEFAULTS.enableProactive),
    preferredContactTime: p.string().length(100).nullable(),
    aiInsightsFrequency: p.enum(INSIGHTS_FREQUENCIES).default(PREFERENCE_DEFAULTS.aiInsightsFrequency),
    customInstructions: p.text().nullable(),
    createdAt: insertedAt(),
    updatedAt: updatedAt(),
  },
});

export type IUserAIPreferences = InferEntity<typeof UserAIPreferences>;
