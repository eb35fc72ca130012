// A fresh organization for a test or a benchmark: its admin, a rep, the webhook secret, and an
// organization-wide EntityManager (what the worker sees).
import type { App } from '../../src/api/app.js';
import type { Orm } from '../../src/db/orm.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { addUser, signup, webhookSecretOf, type Account } from './api.js';

export interface Tenant {
  admin: Account;
  rep: Account;
  secret: string;
  organizationId: string;
  /** A fresh organization-wide EntityManager (what the worker sees). */
  em: () => ReturnType<typeof tenantEm>;
}

export async function createTenant(stack: { app: App; orm: Orm }): Promise<Tenant> {
  const admin = await signup(stack.app);
  const rep = await addUser(stack.app, admin);
  const secret = await webhookSecretOf(stack.app, admin);
  const organizationId = admin.organization.id;
  return { admin, rep, secret, organizationId, em: () => tenantEm(stack.orm.em, organizationId) };
}
