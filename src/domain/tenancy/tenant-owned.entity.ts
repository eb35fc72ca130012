// What every organization-owned row shares: a random uuid key and its organization (indexed, and deleted with
// it). Abstract: it has no table; the entities that extend it get these columns.
import { defineEntity, p, type FilterDef } from '@mikro-orm/core';
import { Organization } from '../accounts/organization.entity.js';
import { uuidKey } from './columns.js';
import { tenantFilter, visibilityFilter } from './filters.js';

export const TenantOwned = defineEntity({
  name: 'TenantOwned',
  abstract: true,
  properties: {
    id: uuidKey(),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade').index(),
  },
});

/**
 * Entity options of a tenant-owned row: its name and table, the shared columns, the tenant filter on its
 * organization and, for rows a user owns, the visibility filter on the property `visibleTo` names.
 */
export function tenantTable<const Name extends string, const Table extends string>(
  name: Name,
  tableName: Table,
  options: { visibleTo?: string } = {},
) {
  const filters: Record<string, FilterDef> = { tenant: tenantFilter('organization') };
  if (options.visibleTo) filters.visibility = visibilityFilter(options.visibleTo);
  return { name, tableName, extends: TenantOwned, filters };
}
