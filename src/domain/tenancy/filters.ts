// Tenant isolation lives in the ORM, not in routes: every tenant-owned entity carries these filters,
// enabled by default. Their `cond` callbacks declare a parameter without a default, so MikroORM throws
// "No arguments provided for filter" when a query runs without tenant context: isolation fails closed.

/** Parameters of the `tenant` filter: set from the verified JWT (or a verified webhook) per request. */
export interface TenantParams {
  organizationId: string;
}

/** Parameters of the `visibility` filter: a `user` sees their own rows, an `admin` the organization's. */
export interface VisibilityParams {
  userId: string;
  role: 'user' | 'admin';
}

export const TENANT_FILTER = 'tenant';
export const VISIBILITY_FILTER = 'visibility';

/** The tenant filter for an entity whose organization lives in `property` (`id` for Organization itself). */
export function tenantFilter(property: string) {
  return {
    name: TENANT_FILTER,
    default: true,
    cond: (params: TenantParams) => {
      if (!params?.organizationId) throw new Error('Tenant filter used without an organizationId');
      return { [property]: params.organizationId };
    },
  };
}

/** The visibility filter for an entity owned by the user in `property`. */
export function visibilityFilter(property: string) {
  return {
    name: VISIBILITY_FILTER,
    default: true,
    cond: (params: VisibilityParams) => {
      if (!params?.userId || !params.role) throw new Error('Visibility filter used without a user');
      return params.role === 'admin' ? {} : { [property]: params.userId };
    },
  };
}
