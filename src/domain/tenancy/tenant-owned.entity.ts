// What every organization-owned row shares: a random uuid key and its organization (indexed, and deleted with
// it). Abstract: it has no table; the entities that extend it get these columns.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organization } from '../accounts/organization.entity.js';

export const TenantOwned = defineEntity({
  name: 'TenantOwned',
  abstract: true,
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organization: () => p.manyToOne(Organization).mapToPk().deleteRule('cascade').index(),
  },
});
