import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { uuidKey, insertedAt } from '../tenancy/columns.js';
import { tenantFilter } from '../tenancy/filters.js';

export const Organization = defineEntity({
  name: 'Organization',
  tableName: 'organizations',
  filters: { tenant: tenantFilter('id') },
  properties: {
    id: uuidKey(),
    name: p.string().length(200),
    // HMAC key for signed webhooks; never serialized into API responses except by the admin route.
    webhookSecret: p.string().length(255).hidden(),
    // After a rotation the previous secret still verifies webhooks until the given time (providers in flight).
    previousWebhookSecret: p.string().length(255).nullable().hidden(),
    previousWebhookSecretValidUntil: p.datetime().nullable(),
    /** PromptRefs every user without their own setting runs (null: the built-in prompt). */
    defaultIndividualPrompt: p.string().length(100).nullable(),
    defaultCompletePrompt: p.string().length(100).nullable(),
    /** Filled by the demo generator (src/demo): the console marks it, and a restart never fills another. */
    demo: p.boolean().default(false),
    createdAt: insertedAt(),
  },
});

export type IOrganization = InferEntity<typeof Organization>;
