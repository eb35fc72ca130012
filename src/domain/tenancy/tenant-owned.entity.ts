// What every organization-owned row shares: a random uuid key and its organization (indexed, and deleted with
// it). Abstract: it has no table; the entities that extend it get these columns.
import { defineEntity, p } from '@mikro-orm/core';
import { Organization } from '../accounts/organization.entity.js';
import { uuidKey } from './columns.js';
import { tenantFilter } from './filters.js';

export const TenantOwned = defineEntity({
  name: 'TenantOwned',
  abstract: true,
  properties: {
    id: uuidKey(),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade').index(),
  },
});

/** Entity options of a tenant-owned row: the shared columns, and the tenant filter on its organization. */
export const tenantOwned = { extends: TenantOwned, filters: { tenant: tenantFilter('organization') } };
