import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { insertedAt, updatedAt, uuidKey } from '../tenancy/columns.js';
import { tenantFilter } from '../tenancy/filters.js';
import { Organization } from '../accounts/organization.entity.js';
import { PROMPT_KINDS } from './prompt-ref.js';

export const REASONING_EFFORTS = ['none', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/**
 * An organization's prompt: its name and kind, the newest version number and where its labels point. The id is
 * the `prm_…` string users put in references. The two built-in prompts are not rows: they ship as files.
 */
export const Prompt = defineEntity({
  name: 'Prompt',
  tableName: 'prompts',
  filters: { tenant: tenantFilter('organization') },
  indexes: [{ properties: ['organization', 'kind'] }],
  properties: {
    id: p.string().length(70).primary(),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade'),
    name: p.string().length(200),
    kind: p.enum(PROMPT_KINDS),
    description: p.text().nullable(),
    // Copied (id and email) rather than linked: the prompt outlives the user who made it.
    createdById: p.uuid().nullable(),
    createdByEmail: p.string().length(320).nullable(),
    latestVersion: p.integer(),
    /** label → version; `production` always exists. */
    labels: p.json<Record<string, number>>(),
    createdAt: insertedAt(),
    updatedAt: updatedAt(),
  },
});

export type IPrompt = InferEntity<typeof Prompt>;

/** One immutable version of a prompt: its templates, model settings and output schema. */
export const PromptVersion = defineEntity({
  name: 'PromptVersion',
  tableName: 'prompt_versions',
  filters: { tenant: tenantFilter('organization') },
  uniques: [{ properties: ['prompt', 'version'] }],
  properties: {
    id: uuidKey(),
    prompt: () => p.manyToOne(Prompt).mapToPk().deleteRule('cascade'),
    version: p.integer(),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade').index(),
    instructions: p.text(),
    /** Null: the kind's default input (the transcript, or the fold's JSON document). */
    input: p.text().nullable(),
    model: p.string().length(128),
    reasoningEffort: p.enum(REASONING_EFFORTS).nullable(),
    temperature: p.double().nullable(),
    maxOutputTokens: p.integer().nullable(),
    outputSchema: p.json<Record<string, unknown>>(),
    note: p.text().nullable(),
    createdById: p.uuid().nullable(),
    createdByEmail: p.string().length(320).nullable(),
    createdAt: insertedAt(),
    /** What will not work well (a near model shutdown, missing scoring fields); recomputed when the model is checked. */
    warnings: p.json<string[]>(),
  },
});

export type IPromptVersion = InferEntity<typeof PromptVersion>;
