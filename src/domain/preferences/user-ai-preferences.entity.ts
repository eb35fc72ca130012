import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { insertedAt, updatedAt } from '../tenancy/columns.js';
import { tenantOwned } from '../tenancy/tenant-owned.entity.js';
import { User } from '../accounts/user.entity.js';

export const INSIGHTS_FREQUENCIES = ['realtime', 'daily', 'weekly'] as const;

export const UserAIPreferences = defineEntity({
  name: 'UserAIPreferences',
  tableName: 'user_ai_preferences',
  ...tenantOwned,
  properties: {
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade').unique(),
    chatbotTone: p.string().length(100).default('professional'),
    autoSuggestActions: p.boolean().default(true),
    enableProactive: p.boolean().default(true),
    preferredContactTime: p.string().length(100).nullable(),
    aiInsightsFrequency: p.enum(INSIGHTS_FREQUENCIES).default('daily'),
    customInstructions: p.text().nullable(),
    createdAt: insertedAt(),
    updatedAt: updatedAt(),
  },
});

export type IUserAIPreferences = InferEntity<typeof UserAIPreferences>;
