// Reading and saving an organization's provider integration. The credential is sealed with the application key
// and bound to (organization, provider); only its last 4 characters are kept in clear, to show admins.
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../accounts/user.entity.js';
import { SealedSecretError, openWithKeys, seal, type SealingKeys } from '../secrets/sealed.js';
import { Integration, type IIntegration, type Provider } from './integration.entity.js';

const sealContext = (organizationId: string, provider: Provider) => `integration:${organizationId}:${provider}`;

/** The organization's integration with `provider`, or null. `em` must be scoped to that organization. */
export async function findIntegration(em: EntityManager, provider: Provider): Promise<IIntegration | null> {
  return em.findOne(Integration, { provider });
}

/** The credential in clear, for verifying a delivery; throws SealedSecretError when no key opens it. */
export function credentialOf(keys: SealingKeys, integration: IIntegration): string {
  const context = sealContext(integration.organization, integration.provider);
  return openWithKeys(keys, integration.credentialSealed, context).value;
}

/**
 * `admin reseal`: every integration credential sealed under a previous key is sealed again under the current one.
 * Returns how many changed and the integrations (organization:provider) that no configured key opens.
 */
export async function resealIntegrationCredentials(
  root: EntityManager,
  keys: SealingKeys,
): Promise<{ resealed: number; unreadable: string[] }> {
  const em = root.fork();
  const report = { resealed: 0, unreadable: [] as string[] };
  for (const integration of await em.find(Integration, {}, { filters: false })) {
    const context = sealContext(integration.organization, integration.provider);
    try {
      const opened = openWithKeys(keys, integration.credentialSealed, context);
      if (opened.current) continue;
      integration.credentialSealed = seal(keys.key, opened.value, context);
      report.resealed++;
    } catch (error) {
      if (!(error instanceof SealedSecretError)) throw error;
      report.unreadable.push(`${integration.organization}:${integration.provider}`);
    }
  }
  await em.flush();
  return report;
}

export interface IntegrationInput {
  /** A new credential; undefined keeps the stored one. */
  credential: string | undefined;
  defaultUserId: string | null;
  userMap: Record<string, string>;
}

/** Creates or replaces the integration. The caller has checked the user ids (see `foreignUserIds`). */
export async function saveIntegration(
  em: EntityManager,
  key: Buffer,
  organizationId: string,
  provider: Provider,
  input: IntegrationInput,
  existing: IIntegration | null,
): Promise<IIntegration> {
  const credential =
    input.credential === undefined
      ? null
      : {
          credentialSealed: seal(key, input.credential, sealContext(organizationId, provider)),
          credentialLast4: input.credential.slice(-4),
        };
  if (existing) {
    em.assign(existing, { ...(credential ?? {}), defaultUser: input.defaultUserId, userMap: input.userMap });
    await em.flush();
    return existing;
  }
  if (!credential) throw new Error('A new integration needs a credential');
  const created = em.create(Integration, {
    organization: organizationId,
    provider,
    ...credential,
    defaultUser: input.defaultUserId,
    userMap: input.userMap,
  });
  await em.flush();
  return created;
}

/** The ids among `ids` that are not users of the EntityManager's organization (malformed ids included). */
export async function foreignUserIds(em: EntityManager, ids: string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  const wellFormed = unique.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  const found = wellFormed.length ? await em.find(User, { id: { $in: wellFormed } }, { fields: ['id'] }) : [];
  const known = new Set(found.map((user) => user.id));
  return new Set(unique.filter((id) => !known.has(id)));
}
