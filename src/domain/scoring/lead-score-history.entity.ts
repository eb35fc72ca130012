import { defineEntity, p } from '@mikro-orm/core';
import { insertedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { Lead } from '../leads/lead.entity.js';
import { MODEL_SCOPES } from './lead-scoring-model.entity.js';

export const SCORE_CAUSES = ['analysis', 'retrain', 'activation'] as const;
export type ScoreCause = (typeof SCORE_CAUSES)[number];

/** One change of a lead's score and why it changed. Bounded per lead (see score-history.ts). */
export const LeadScoreHistory = defineEntity({
  ...tenantTable('LeadScoreHistory', 'lead_score_history'),
  indexes: [{ properties: ['lead', 'at'] }],
  properties: {
    lead: () => p.manyToOne(Lead).mapToPk().deleteRule('cascade'),
    score: p.double().$type<number>(),
    modelVersion: p.integer(),
    scope: p.enum(MODEL_SCOPES),
    cause: p.enum(SCORE_CAUSES),
    at: insertedAt(),
  },
});
