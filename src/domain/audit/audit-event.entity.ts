import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { uuidKey } from '../tenancy/columns.js';
import { tenantFilter } from '../tenancy/filters.js';
import { Organization } from '../accounts/organization.entity.js';

/**
 * One audited change. The actor is a copy (id and email), not a foreign key: the entry outlives the user.
 * `at` keeps milliseconds only, so the newest-first order and the page cursor compare the plain column.
 */
export const AuditEvent = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  filters: { tenant: tenantFilter('organization') },
  indexes: [{ properties: ['organization', 'at', 'id'] }],
  properties: {
    id: uuidKey(),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade'),
    actorId: p.uuid().nullable(),
    actorEmail: p.string().length(320).nullable(),
    action: p.string().length(100),
    targetType: p.string().length(50).nullable(),
    targetId: p.string().length(255).nullable(),
    details: p.json<Record<string, unknown>>(),
    at: p
      .datetime()
      .length(3)
      .onCreate(() => new Date()),
  },
});

export type IAuditEvent = InferEntity<typeof AuditEvent>;
