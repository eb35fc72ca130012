import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { insertedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';

const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const User = defineEntity({
  ...tenantTable('User', 'users'),
  properties: {
    email: p.string().length(320).unique(),
    passwordHash: p.string().length(255).hidden().lazy(),
    role: p.enum(ROLES).default('user'),
    firstName: p.string().length(100).nullable(),
    lastName: p.string().length(100).nullable(),
    openaiIndividualPromptId: p.string().length(255).nullable().index(),
    openaiCompletePromptId: p.string().length(255).nullable().index(),
    // Every token carries the version it was issued under (claim `tv`); a password change moves it on, ending every
    // session issued before, except the one that made the change (its token id is kept here).
    tokenVersion: p.integer().default(0),
    passwordChangedByTokenId: p.uuid().nullable(),
    createdAt: insertedAt(),
  },
});

export type IUser = InferEntity<typeof User>;
