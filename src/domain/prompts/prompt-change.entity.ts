import { defineEntity, p } from '@mikro-orm/core';
import { insertedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { User } from '../accounts/user.entity.js';

export const PROMPT_FIELDS = ['openai_individual_prompt_id', 'openai_complete_prompt_id'] as const;
export type PromptField = (typeof PROMPT_FIELDS)[number];

/** One row per change of a user's prompt id, whoever made it (self, admin, bulk, revert). */
export const PromptChange = defineEntity({
  ...tenantTable('PromptChange', 'prompt_changes'),
  indexes: [{ properties: ['targetUser', 'changedAt'] }],
  properties: {
    targetUser: () => p.manyToOne(User).deleteRule('cascade'),
    // Who made the change, copied (id and email) rather than linked: the history outlives its actor.
    actor: p.uuid().fieldName('actor_id'),
    actorEmail: p.string().length(320).nullable(),
    field: p.enum(PROMPT_FIELDS),
    oldValue: p.string().length(255).nullable(),
    newValue: p.string().length(255).nullable(),
    changedAt: insertedAt(),
  },
});
