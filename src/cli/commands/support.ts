import { randomBytes } from 'node:crypto';
import type { Orm } from '../../db/orm.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { tenantEm } from '../../domain/tenancy/tenant-em.js';
import { isUuid } from '../../api/schemas/common.js';
import { CliError } from '../context.js';

/** A password to hand to a person once: 18 random bytes, 24 URL-safe characters. */
export const generatePassword = () => randomBytes(18).toString('base64url');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(email: string): string {
  if (!EMAIL.test(email.trim()) || email.length > 320) {
    throw new CliError(`--email: "${email}" is not an email address`);
  }
  return email;
}

export function checkPassword(password: string): string {
  if (password.length < 8 || password.length > 200) throw new CliError('--password: between 8 and 200 characters');
  return password;
}

/** The organization's EntityManager, after checking that it exists. */
export async function organizationEm(orm: Orm, organizationId: string) {
  if (!isUuid(organizationId)) throw new CliError(`--org: "${organizationId}" is not an organization id (a UUID)`);
  const em = tenantEm(orm.em, organizationId);
  if (!(await em.count(Organization, { id: organizationId }))) {
    throw new CliError(`--org: no organization ${organizationId}`);
  }
  return em;
}
