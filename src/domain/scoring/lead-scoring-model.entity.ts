import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantFilter } from '../tenancy/filters.js';
import { Organization } from '../accounts/organization.entity.js';
import { User } from '../accounts/user.entity.js';

/** A trained per-user scoring model. Old versions are kept; at most one per user is active. */
export const LeadScoringModel = defineEntity({
  name: 'LeadScoringModel',
  tableName: 'lead_scoring_models',
  filters: { tenant: tenantFilter('organization') },
  uniques: [{ properties: ['organization', 'user', 'version'] }],
  indexes: [{ properties: ['organization', 'user', 'active'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade').index(),
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade').index(),
    version: p.integer(),
    // Named weights on standardized features, plus what is needed to score a new lead.
    factors: p.json<Record<string, number>>(),
    intercept: p.double().$type<number>(),
    featureMeans: p.json<Record<string, number>>(),
    featureStds: p.json<Record<string, number>>(),
    accuracy: p.double().$type<number>().nullable(),
    auc: p.double().$type<number>().nullable(),
    trainingDataCount: p.integer(),
    trainingLeadIds: p.json<string[]>(),
    holdoutLeadIds: p.json<string[]>(),
    active: p.boolean().default(false),
    trainedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type ILeadScoringModel = InferEntity<typeof LeadScoringModel>;
