// Keyset pagination for the list routes: newest first (createdAt desc, id desc), an opaque cursor naming the
// last row of a page. Paged tables keep created_at to the millisecond (timestamptz(3)), like a JS Date, so
// the cursor names a position exactly and the order is the plain column, which the list indexes serve.
import { Type, type TSchema } from 'typebox';
import { raw, type EntityName, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badRequest } from './plugins/errors.js';
import { isUuid } from './schemas/common.js';

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
};

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

interface Position {
  createdAt: string;
  id: string;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'string' ||
    !ISO_MS.test(value[0]) ||
    Number.isNaN(Date.parse(value[0])) ||
    typeof value[1] !== 'string' ||
    !isUuid(value[1])
  ) {
    throw badRequest('Invalid cursor: pass the nextCursor of a previous page', {
      'querystring.cursor': 'is not a cursor this API issued',
    });
  }
  return { createdAt: value[0], id: value[1] };
}

/**
 * One page of `entity` matching `where`, through the caller's EntityManager (its tenant and visibility
 * filters apply). Fetches one row more than asked to know whether another page follows.
 */
export async function findPage<T extends { id: string }, D>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  page: { limit?: number | undefined; cursor?: string | undefined },
  toDto: (row: T) => D,
  /** The time that orders the list (a millisecond-precision column): createdAt unless said otherwise. */
  time: { property: string; column: string } = { property: 'createdAt', column: 'created_at' },
): Promise<{ items: D[]; nextCursor: string | null }> {
  const limit = page.limit ?? 20;
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  const keyset = after && {
    [raw((a: string) => `(${a}.${time.column}, ${a}.id) < (?::timestamptz, ?::uuid)`, [after.createdAt, after.id])]: [],
  };
  const rows = await em.find(entity, (keyset ? { $and: [where, keyset] } : where) as FilterQuery<T>, {
    orderBy: [{ [time.property]: 'desc' }, { id: 'desc' }] as never,
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const position = last && { createdAt: (last as Record<string, unknown>)[time.property] as Date, id: last.id };
  return { items: items.map(toDto), nextCursor: rows.length > limit && position ? encodeCursor(position) : null };
}
