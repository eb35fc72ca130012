import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { insertedAt, updatedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { User } from '../accounts/user.entity.js';

export const MODEL_SCOPES = ['user', 'organization'] as const;
export type ModelScope = (typeof MODEL_SCOPES)[number];

/** Win rate per score band on the holdout: how often the leads the model put in each band were WON. */
export type BandWinRates = Record<'A' | 'B' | 'C' | 'D', { leads: number; won: number; winRate: number | null }>;

/**
 * A trained scoring model: a user's own (`scope: user`), or the organization's pooled one (`scope:
 * organization`, no user), which scores the leads of users without an active model of their own.
 * Old versions are kept; at most one per (organization, user or pooled) is active.
 */
export const LeadScoringModel = defineEntity({
  ...tenantTable('LeadScoringModel', 'lead_scoring_models'),
  uniques: [
    { properties: ['organization', 'user', 'version'] },
    // The pooled model has no user, and NULLs never collide in a plain unique index.
    {
      name: 'lead_scoring_models_organization_pooled_version_unique',
      expression:
        'create unique index "lead_scoring_models_organization_pooled_version_unique" ' +
        'on "lead_scoring_models" ("organization_id", "version") where "user_id" is null',
    },
  ],
  indexes: [{ properties: ['organization', 'user', 'active'] }],
  properties: {
    user: () => p.manyToOne(User).mapToPk().nullable().deleteRule('cascade').index(),
    scope: p.enum(MODEL_SCOPES).default('user'),
    version: p.integer(),
    // Named weights on standardized features, plus what is needed to score a new lead.
    factors: p.json<Record<string, number>>(),
    intercept: p.double().$type<number>(),
    featureMeans: p.json<Record<string, number>>(),
    featureStds: p.json<Record<string, number>>(),
    accuracy: p.double().$type<number>().nullable(),
    auc: p.double().$type<number>().nullable(),
    /** Holdout calibration: mean squared error of the probabilities, and mean log-loss. */
    brierScore: p.double().$type<number>().nullable(),
    logLoss: p.double().$type<number>().nullable(),
    bandWinRates: p.json<BandWinRates>().nullable(),
    /** Every WON/LOST lead the version was built from, holdout included. */
    trainingDataCount: p.integer(),
    holdoutCount: p.integer().default(0),
    // uuid arrays: one id takes 16 bytes, and a version is written per user every week.
    trainingLeadIds: p.array().columnType('uuid[]'),
    holdoutLeadIds: p.array().columnType('uuid[]'),
    /** sha256 of the labelled leads and their features: equal to the active one's means nothing new to learn. */
    trainingFingerprint: p.string().length(64).nullable(),
    /** Why this version was (or was not) made active, in words. */
    activationReason: p.text().nullable(),
    active: p.boolean().default(false),
    trainedAt: insertedAt(),
    createdAt: insertedAt(),
    updatedAt: updatedAt(),
  },
});

export type ILeadScoringModel = InferEntity<typeof LeadScoringModel>;
