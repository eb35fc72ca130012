// Creating, changing and removing accounts: one implementation for the HTTP routes and the admin CLI.
// Every change is audited in the same flush/transaction as the change itself.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AUDIT_ACTIONS, recordActorAudit, recordAudit } from '../audit/index.js';
import { Organization, type IOrganization } from './organization.entity.js';
import { User, type IUser, type Role } from './user.entity.js';
import { hashPassword } from './password.js';
import { newWebhookSecret } from './webhook-secret.js';
import { sealWebhookSecret } from './webhook-secret-sealing.js';
import type { SealingKeys } from '../secrets/sealed.js';

/** A refusal the caller can act on: `conflict` (email taken, last admin). */
export class AccountError extends Error {
  constructor(
    readonly kind: 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface Actor {
  id: string;
  email: string;
}

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Emails are unique across organizations (login is by email alone): checked globally, then by the unique index. */
async function assertEmailFree(em: EntityManager, email: string) {
  if (await em.count(User, { email }, { filters: false })) {
    throw new AccountError('conflict', 'An account with this email already exists');
  }
}

/**
 * Adds a user to `organizationId` and flushes. `em` must be scoped to that organization (or be a fresh fork).
 * `actor` null: created by the operator (CLI) or by the signup itself.
 */
export async function createUser(
  em: EntityManager,
  organizationId: string,
  input: NewUser,
  actor: Actor | null,
): Promise<IUser> {
  const email = normalizeEmail(input.email);
  await assertEmailFree(em, email);
  const user = em.create(User, {
    organization: organizationId,
    email,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
  });
  await recordAudit(em, {
    organizationId,
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    action: AUDIT_ACTIONS.userCreated,
    target: { type: 'user', id: user.id },
    details: { email, role: user.role },
  });
  await em.flush(); // a concurrent create with the same email hits the unique index (409 upstream)
  return user;
}

/**
 * A new organization with its first admin, in one flush. `em` is an unscoped fork (no tenant exists yet). Its
 * webhook secret is sealed under `keys.key`. `via: 'cli'`: the operator's CLI created it, and the audit trail says
 * so (actor null) instead of naming the new admin.
 */
export async function createOrganization(
  em: EntityManager,
  input: { name: string; admin: Omit<NewUser, 'role'> },
  options: { keys: SealingKeys; via?: 'cli' },
): Promise<{ organization: IOrganization; admin: IUser }> {
  const email = normalizeEmail(input.admin.email);
  await assertEmailFree(em, email);
  const organizationId = randomUUID();
  const organization = em.create(Organization, {
    id: organizationId,
    name: input.name.trim(),
    webhookSecret: sealWebhookSecret(options.keys, organizationId, newWebhookSecret()),
  });
  const admin = em.create(User, {
    organization: organization.id,
    email,
    passwordHash: await hashPassword(input.admin.password),
    role: 'admin',
    firstName: input.admin.firstName ?? null,
    lastName: input.admin.lastName ?? null,
  });
  const actor = options.via === 'cli' ? { actorId: null, actorEmail: null } : { actorId: admin.id, actorEmail: email };
  const via = options.via ? { via: options.via } : {};
  await recordAudit(em, {
    organizationId: organization.id,
    ...actor,
    action: AUDIT_ACTIONS.organizationCreated,
    target: { type: 'organization', id: organization.id },
    details: { name: organization.name, ...via },
  });
  await recordAudit(em, {
    organizationId: organization.id,
    ...actor,
    action: AUDIT_ACTIONS.userCreated,
    target: { type: 'user', id: admin.id },
    details: { email, role: 'admin', ...via },
  });
  await em.flush();
  return { organization, admin };
}

/** Locks the organization's row: changes that count its admins are serialized, so two cannot remove the last two. */
async function lockOrganization(tx: EntityManager, organizationId: string) {
  const options = { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ['id'] as const, filters: false };
  await tx.findOne(Organization, { id: organizationId }, options);
}

/** The user, read again once their organization is locked; null when the tenant has no such user. */
async function findUserLocked(tx: EntityManager, userId: string): Promise<IUser | null> {
  const found = await tx.findOne(User, { id: userId }, { fields: ['id', 'organization'] });
  if (!found) return null;
  await lockOrganization(tx, found.organization);
  return tx.findOneOrFail(User, { id: userId }, { refresh: true });
}

const LAST_ADMIN = 'An organization needs at least one admin: make another user admin first';

/** Whether the user is their organization's only admin (count read under the organization's lock). */
async function isLastAdmin(tx: EntityManager, user: IUser): Promise<boolean> {
  return user.role === 'admin' && (await tx.count(User, { organization: user.organization, role: 'admin' })) <= 1;
}

/** Audits what `actor` did to `user`, in the user's organization. */
function auditUserChange(
  tx: EntityManager,
  actor: Actor,
  user: IUser,
  action: string,
  details: Record<string, unknown>,
) {
  return recordActorAudit(tx, actor, user.organization, { type: 'user', id: user.id }, action, details);
}

/** Changes role and names. `em` is tenant-scoped: a user of another organization is not found (null). */
export async function updateUser(
  em: EntityManager,
  userId: string,
  patch: { role?: Role | undefined; firstName?: string | null | undefined; lastName?: string | null | undefined },
  actor: Actor,
): Promise<IUser | null> {
  return em.transactional(async (tx) => {
    const user = await findUserLocked(tx, userId);
    if (!user) return null;
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of ['role', 'firstName', 'lastName'] as const) {
      const next = patch[key];
      if (next === undefined || next === (user[key] ?? null)) continue;
      changes[key] = { from: user[key] ?? null, to: next };
    }
    if (changes.role && (await isLastAdmin(tx, user))) throw new AccountError('conflict', LAST_ADMIN);
    if (!Object.keys(changes).length) return user;
    if (patch.role !== undefined) user.role = patch.role;
    if (patch.firstName !== undefined) user.firstName = patch.firstName;
    if (patch.lastName !== undefined) user.lastName = patch.lastName;
    await auditUserChange(tx, actor, user, AUDIT_ACTIONS.userChanged, { email: user.email, changes });
    return user;
  });
}

/**
 * Removes a user. Their calls and leads stay with the organization (the database clears the links: leads
 * become unassigned); their own models, preferences and prompt history go. The last admin cannot be removed.
 */
export async function deleteUser(em: EntityManager, userId: string, actor: Actor): Promise<boolean> {
  return em.transactional(async (tx) => {
    const user = await findUserLocked(tx, userId);
    if (!user) return false;
    if (await isLastAdmin(tx, user)) throw new AccountError('conflict', LAST_ADMIN);
    await auditUserChange(tx, actor, user, AUDIT_ACTIONS.userDeleted, { email: user.email, role: user.role });
    await tx.flush();
    tx.getUnitOfWork().unsetIdentity(user);
    await tx.nativeDelete(User, { id: user.id });
    return true;
  });
}
