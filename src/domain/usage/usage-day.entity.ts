import { defineEntity, p } from '@mikro-orm/core';
import { tenantFilter } from '../tenancy/filters.js';
import { Organization } from '../accounts/organization.entity.js';

/**
 * An organization's OpenAI use in one UTC day, from every path that calls OpenAI (analyses, folds, validations,
 * previews, runs, experiments): what the daily token budget is checked against and `/admin/usage` reports.
 */
export const UsageDay = defineEntity({
  name: 'UsageDay',
  tableName: 'openai_usage_days',
  filters: { tenant: tenantFilter('organization') },
  properties: {
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade').primary(),
    day: p.string().length(10).primary(),
    inputTokens: p.bigint('number').default(0),
    outputTokens: p.bigint('number').default(0),
    costUsd: p.double().default(0),
  },
});
