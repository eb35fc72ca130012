// "Load it or 404" for a route's :id: the request's EntityManager only finds what its filters let the caller
// see, so a malformed id, a row of another organization (or, for a `user`, of someone else) and a row that does
// not exist all answer the same 404.
import type { EntityName, FilterQuery, FindOneOptions, Loaded } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from './plugins/errors.js';
import { isUuid } from './schemas/common.js';

export async function findVisible<
  Entity extends { id: string },
  Hint extends string = never,
  Fields extends string = never,
>(
  em: EntityManager,
  entity: EntityName<Entity>,
  id: string,
  what: string,
  options?: Omit<FindOneOptions<Entity, Hint, Fields>, 'using'>,
): Promise<Loaded<Entity, Hint, Fields>> {
  const row = isUuid(id)
    ? await em.findOne<Entity, Hint, Fields>(entity, { id } as FilterQuery<Entity>, options)
    : null;
  if (!row) throw notFound(what);
  return row;
}
