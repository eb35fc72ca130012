// Which calls a bulk re-analysis covers: the organization's calls matching the admin's filters, created before
// the re-analysis began (calls arriving meanwhile get their own analysis anyway).
import type { FilterQuery } from '@mikro-orm/core';
import type { ICall } from './call.entity.js';

export interface ReanalysisFilters {
  userId?: string | undefined;
  status?: 'failed' | 'analyzed' | undefined;
  promptId?: string | undefined;
  /** ISO-8601: calls created at or after. */
  since?: string | undefined;
  /** ISO-8601: calls created before. */
  until?: string | undefined;
}

export function reanalysisWhere(filters: ReanalysisFilters, createdBefore: Date): FilterQuery<ICall> {
  const until = filters.until ? new Date(filters.until) : undefined;
  return {
    ...(filters.userId ? { user: filters.userId } : {}),
    // Only finished calls: one still being analysed has its run open.
    status: filters.status ? filters.status : { $in: ['failed', 'analyzed'] },
    ...(filters.promptId ? { promptId: filters.promptId } : {}),
    createdAt: {
      ...(filters.since ? { $gte: new Date(filters.since) } : {}),
      $lt: until && until < createdBefore ? until : createdBefore,
    },
  } as FilterQuery<ICall>;
}
