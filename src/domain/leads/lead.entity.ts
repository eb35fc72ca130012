import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { updatedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { User } from '../accounts/user.entity.js';

export const LEAD_STATUSES = ['NEW', 'CONTACTED', 'QUALIFIED', 'WON', 'LOST'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const PROMPT_SOURCES = ['user', 'organization', 'system'] as const;
export type PromptSource = (typeof PROMPT_SOURCES)[number];

export interface ScoreExplanation {
  intercept: number;
  contributions: { feature: string; value: number; contribution: number }[];
}

export const Lead = defineEntity({
  ...tenantTable('Lead', 'leads', { visibleTo: 'assignedTo' }),
  uniques: [{ properties: ['organization', 'externalId'] }],
  indexes: [
    { properties: ['organization', 'assignedTo', 'status'] },
    { properties: ['organization', 'createdAt', 'id'] },
    { properties: ['organization', 'assignedTo', 'createdAt', 'id'] },
    { properties: ['organization', 'status', 'createdAt', 'id'] },
  ],
  properties: {
    externalId: p.string().length(255),
    name: p.string().length(255).nullable(),
    phone: p.string().length(64).nullable(),
    email: p.string().length(320).nullable(),
    status: p.enum(LEAD_STATUSES).default('NEW'),
    assignedTo: () => p.manyToOne(User).mapToPk().nullable().deleteRule('set null'),
    score: p.double().nullable(),
    scoreModelVersion: p.integer().nullable(),
    /** Whose model gave the score: the assigned user's own, or the organization's pooled one. */
    scoreScope: p.enum(['user', 'organization'] as const).nullable(),
    scoredAt: p.datetime().nullable(),
    /** The score's intercept and per-feature contributions, as computed with the score (exact for a linear model). */
    scoreExplanation: p.json<ScoreExplanation>().nullable(),
    completeAnalysis: p.json<Record<string, unknown>>().nullable(),
    completeAnalysisPromptId: p.string().length(255).nullable(),
    completeAnalysisPromptSource: p.enum(PROMPT_SOURCES).nullable(),
    completeAnalysisPromptName: p.string().length(200).nullable(),
    completeAnalysisPromptVersion: p.integer().nullable(),
    completeAnalysisModel: p.string().length(128).nullable(),
    completeAnalysisAt: p.datetime().nullable(),
    callCount: p.integer().default(0),
    // Milliseconds only, like a JS Date: the list order and the page cursor compare the plain column.
    createdAt: p
      .datetime()
      .length(3)
      .onCreate(() => new Date()),
    updatedAt: updatedAt(),
  },
});

export type ILead = InferEntity<typeof Lead>;
