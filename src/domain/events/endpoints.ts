// An organization's event endpoints: creating one (its secret is returned once, then only sealed), rotating the
// secret, reading it for signing. The secret is sealed like the provider credentials and bound to the endpoint.
import type { EntityManager } from '@mikro-orm/postgresql';
import { open, seal } from '../secrets/sealed.js';
import { EventEndpoint, type IEventEndpoint } from './event-endpoint.entity.js';
import type { EventType } from './event-types.js';
import { newEndpointSecret } from './signing.js';

const sealContext = (organizationId: string, endpointId: string) => `event-endpoint:${organizationId}:${endpointId}`;

/** The endpoint's secret in clear, for signing; throws SealedSecretError when the application key changed. */
export function endpointSecret(key: Buffer, endpoint: Pick<IEventEndpoint, 'id' | 'organization' | 'secretSealed'>) {
  return open(key, endpoint.secretSealed, sealContext(endpoint.organization, endpoint.id));
}

/** Creates an endpoint (flushing `em`, which carries the caller's audit entry too); returns it and its secret. */
export async function createEndpoint(
  em: EntityManager,
  key: Buffer,
  input: { organizationId: string; id: string; url: string; events: EventType[]; description: string | null },
): Promise<{ endpoint: IEventEndpoint; secret: string }> {
  const secret = newEndpointSecret();
  const endpoint = em.create(EventEndpoint, {
    id: input.id,
    organization: input.organizationId,
    url: input.url,
    events: input.events,
    description: input.description,
    enabled: true,
    secretSealed: seal(key, secret, sealContext(input.organizationId, input.id)),
    failingSince: null,
  });
  await em.flush();
  return { endpoint, secret };
}

/** Replaces the endpoint's secret: deliveries signed from now on use the new one. Returns it (shown once). */
export async function rotateEndpointSecret(em: EntityManager, key: Buffer, endpoint: IEventEndpoint): Promise<string> {
  const secret = newEndpointSecret();
  endpoint.secretSealed = seal(key, secret, sealContext(endpoint.organization, endpoint.id));
  await em.flush();
  return secret;
}
