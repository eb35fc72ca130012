import { defineEntity, p } from '@mikro-orm/core';
import { insertedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { User } from '../accounts/user.entity.js';
import { MODEL_SCOPES } from './lead-scoring-model.entity.js';

export const RUN_OUTCOMES = ['activated', 'kept-active', 'unchanged', 'insufficient-data', 'failed'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/**
 * The outcome of one training run, written by the run itself, so the status route answers from the
 * database and never from Temporal history. A user's runs have `user`; the organization's pooled runs not.
 */
export const ScoringRun = defineEntity({
  ...tenantTable('ScoringRun', 'scoring_runs'),
  indexes: [{ properties: ['organization', 'user', 'at'] }],
  properties: {
    user: () => p.manyToOne(User).mapToPk().nullable().deleteRule('cascade'),
    scope: p.enum(MODEL_SCOPES),
    outcome: p.enum(RUN_OUTCOMES),
    reason: p.text(),
    version: p.integer().nullable(),
    won: p.integer().nullable(),
    lost: p.integer().nullable(),
    at: insertedAt(),
  },
});
