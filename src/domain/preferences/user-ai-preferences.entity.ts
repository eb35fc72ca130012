import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { TenantOwned } from '../tenancy/tenant-owned.entity.js';
import { tenantFilter } from '../tenancy/filters.js';
import { User } from '../accounts/user.entity.js';

export const INSIGHTS_FREQUENCIES = ['realtime', 'daily', 'weekly'] as const;

export const UserAIPreferences = defineEntity({
  name: 'UserAIPreferences',
  tableName: 'user_ai_preferences',
  extends: TenantOwned,
  filters: { tenant: tenantFilter('organization') },
  properties: {
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade').unique(),
    chatbotTone: p.string().length(100).default('professional'),
    autoSuggestActions: p.boolean().default(true),
    enableProactive: p.boolean().default(true),
    preferredContactTime: p.string().length(100).nullable(),
    aiInsightsFrequency: p.enum(INSIGHTS_FREQUENCIES).default('daily'),
    customInstructions: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type IUserAIPreferences = InferEntity<typeof UserAIPreferences>;
