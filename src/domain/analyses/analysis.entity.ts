import { defineEntity, p } from '@mikro-orm/core';
import { uuidKey, insertedAt } from '../tenancy/columns.js';
import { tenantFilter } from '../tenancy/filters.js';
import { Organization } from '../accounts/organization.entity.js';
import { PROMPT_SOURCES } from '../leads/lead.entity.js';

const ANALYSIS_KINDS = ['individual', 'complete'] as const;
const ANALYSIS_OUTCOMES = ['succeeded', 'failed'] as const;

/**
 * Every analysis the pipeline produced or failed to produce: an individual one per call run, a complete one per
 * fold. Kept forever (re-analysis adds rows); the call and lead rows show the latest. Usage and latency are
 * OpenAI's numbers for the response that produced it. `runKey` makes a retried activity write it once.
 */
export const Analysis = defineEntity({
  name: 'Analysis',
  tableName: 'analyses',
  filters: { tenant: tenantFilter('organization') },
  indexes: [{ properties: ['callId', 'createdAt'] }, { properties: ['organization', 'userId', 'createdAt'] }],
  properties: {
    id: uuidKey(),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade'),
    kind: p.enum(ANALYSIS_KINDS),
    outcome: p.enum(ANALYSIS_OUTCOMES),
    // Plain ids, not relations: a deleted call or lead must not take its usage history with it.
    /** The call row's id (not the provider's callId). */
    callId: p.uuid().nullable(),
    leadId: p.uuid().nullable(),
    /** Whose prompt configuration applied: the call's user, or the lead's assigned user. */
    userId: p.uuid().nullable(),
    analysis: p.json<Record<string, unknown>>().nullable(),
    promptId: p.string().length(255).nullable(),
    promptSource: p.enum(PROMPT_SOURCES).nullable(),
    promptName: p.string().length(200).nullable(),
    promptVersion: p.integer().nullable(),
    fallbackReason: p.text().nullable(),
    model: p.string().length(128).nullable(),
    /** A prompt later in the resolution line answered than the first one configured (fallbackReason says why). */
    fallback: p.boolean().default(false),
    inputTokens: p.integer().nullable(),
    outputTokens: p.integer().nullable(),
    latencyMs: p.integer().nullable(),
    error: p.text().nullable(),
    runKey: p.string().length(700).unique(),
    createdAt: insertedAt(),
  },
});
