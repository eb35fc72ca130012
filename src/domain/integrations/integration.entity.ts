import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { insertedAt, updatedAt } from '../tenancy/columns.js';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { User } from '../accounts/user.entity.js';

const PROVIDERS = ['retell', 'vapi'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** One voice platform connected to one organization: its credential (sealed), default user and id→user map. */
export const Integration = defineEntity({
  ...tenantTable('Integration', 'integrations'),
  uniques: [{ properties: ['organization', 'provider'] }],
  properties: {
    provider: p.enum(PROVIDERS),
    // Retell's API key or Vapi's server secret, sealed (src/domain/secrets/sealed.ts); never serialized.
    credentialSealed: p.text().hidden(),
    // The last 4 characters, shown to admins so they can tell which key is in use.
    credentialLast4: p.string().length(4),
    // A deleted user stops being the default rather than taking the integration with them.
    defaultUser: () => p.manyToOne(User).mapToPk().nullable().deleteRule('set null'),
    // Retell agent id or Vapi assistant id → user id of this organization.
    userMap: p.json<Record<string, string>>(),
    createdAt: insertedAt(),
    updatedAt: updatedAt(),
  },
});

export type IIntegration = InferEntity<typeof Integration>;
