import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantFilter } from '../tenancy/filters.js';
import { Organization } from './organization.entity.js';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  filters: { tenant: tenantFilter('organization') },
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade').index(),
    email: p.string().length(320).unique(),
    passwordHash: p.string().length(255).hidden().lazy(),
    role: p.enum(ROLES).default('user'),
    firstName: p.string().length(100).nullable(),
    lastName: p.string().length(100).nullable(),
    openaiIndividualPromptId: p.string().length(255).nullable().index(),
    openaiCompletePromptId: p.string().length(255).nullable().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type IUser = InferEntity<typeof User>;
