import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER, VISIBILITY_FILTER, type VisibilityParams } from './filters.js';

/**
 * A fresh EntityManager scoped to one organization. `viewer` narrows user-owned rows to that user
 * (a `user`); without it the scope is the whole organization (admins, the worker, verified webhooks).
 * Never call setFilterParams on the global EntityManager: every fork would inherit the tenant.
 */
export function tenantEm(root: EntityManager, organizationId: string, viewer?: VisibilityParams): EntityManager {
  const em = root.fork({ clear: true });
  em.setFilterParams(TENANT_FILTER, { organizationId });
  em.setFilterParams(VISIBILITY_FILTER, viewer ?? { userId: 'organization', role: 'admin' });
  return em;
}
