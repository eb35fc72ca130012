import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { insertedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { PROMPT_KINDS } from '../prompts/prompt-ref.js';

const EXPERIMENT_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
const SERVICE_TIERS = ['flex', 'default'] as const;

interface ExperimentArmResult {
  auc: number | null;
  schemaValidRate: number | null;
  failureRate: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  p50LatencyMs: number | null;
}

export interface ExperimentResults {
  leads: number;
  won: number;
  lost: number;
  baseline: ExperimentArmResult;
  candidate: ExperimentArmResult;
  aucDifference: { value: number | null; ci95: [number, number] | null };
  agreement: Record<string, number>;
  verdict: 'candidate-better' | 'baseline-better' | 'inconclusive';
}

/** A replay of two versions of one prompt over past WON/LOST leads; its analyses live in experiment_items. */
export const PromptExperiment = defineEntity({
  ...tenantTable('PromptExperiment', 'prompt_experiments'),
  indexes: [{ properties: ['organization', 'promptId', 'createdAt'] }],
  properties: {
    promptId: p.string().length(70),
    kind: p.enum(PROMPT_KINDS),
    baselineVersion: p.integer(),
    candidateVersion: p.integer(),
    since: p.datetime().nullable(),
    until: p.datetime().nullable(),
    maxLeads: p.integer(),
    serviceTier: p.enum(SERVICE_TIERS),
    /** The organization's effective complete prompt, which folds both arms of an individual experiment. */
    foldPromptId: p.string().length(70).nullable(),
    foldPromptVersion: p.integer().nullable(),
    status: p.enum(EXPERIMENT_STATUSES).default('running'),
    total: p.integer().default(0),
    results: p.json<ExperimentResults>().nullable(),
    error: p.text().nullable(),
    workflowId: p.string().length(300),
    createdById: p.uuid().nullable(),
    createdByEmail: p.string().length(320).nullable(),
    createdAt: insertedAt(),
    completedAt: p.datetime().nullable(),
  },
});

export type IPromptExperiment = InferEntity<typeof PromptExperiment>;

const ITEM_STATUSES = ['pending', 'done', 'failed'] as const;

/**
 * One analysis an experiment needs: a call analysed by one arm (`individual`), or a lead folded for one arm
 * (`complete`). Never written to calls, leads or analyses: production stays as it was.
 */
export const ExperimentItem = defineEntity({
  ...tenantTable('ExperimentItem', 'experiment_items'),
  uniques: [{ properties: ['experiment', 'key'] }],
  indexes: [{ properties: ['experiment', 'status'] }],
  properties: {
    experiment: () => p.manyToOne(PromptExperiment).mapToPk().deleteRule('cascade'),
    /** `<arm>:<kind>:<call or lead id>`: a retried step finds its item instead of adding one. */
    key: p.string().length(120),
    arm: p.enum(['baseline', 'candidate'] as const),
    kind: p.enum(PROMPT_KINDS),
    callId: p.uuid().nullable(),
    leadId: p.uuid(),
    status: p.enum(ITEM_STATUSES).default('pending'),
    /** A stored analysis of exactly this version was reused: no request was made. */
    reused: p.boolean().default(false),
    analysis: p.json<Record<string, unknown>>().nullable(),
    /** The answer matched the version's output schema. */
    valid: p.boolean().nullable(),
    error: p.text().nullable(),
    model: p.string().length(128).nullable(),
    inputTokens: p.integer().nullable(),
    outputTokens: p.integer().nullable(),
    latencyMs: p.integer().nullable(),
    attempts: p.integer().default(0),
    createdAt: insertedAt(),
  },
});

export type IExperimentItem = InferEntity<typeof ExperimentItem>;
