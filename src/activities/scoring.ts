// Activities of the scoring workflows: train one user's model or an organization's pooled one, record a
// failed run, and page through who has outcomes to learn from.
import type { QBFilterQuery, QueryOrderMap } from '@mikro-orm/postgresql';
import { type ILead, Lead } from '../domain/leads/lead.entity.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { trainUserModel, type TrainingOutcome } from '../domain/scoring/train-user-model.js';
import { ScoringRun } from '../domain/scoring/scoring-run.entity.js';
import type { ActivityDeps } from './deps.js';

export interface ScoringPair {
  organizationId: string;
  userId: string;
}

export interface ScoringPairsPage {
  pairs: ScoringPair[];
  /** Pass as `afterKey` for the next page; null after the last one. */
  next: ScoringPair | null;
}

export interface ScoringOrganizationsPage {
  organizationIds: string[];
  /** Pass as `afterId` for the next page; null after the last one. */
  next: string | null;
}

export function createScoringActivities({ orm, config }: ActivityDeps) {
  /**
   * Distinct `columns` of the WON/LOST leads that also match `where`, in `orderBy`, at most `limit` rows.
   * Cross-tenant on purpose (the listings below page through every organization): the filters are off.
   */
  async function distinctLabelledLeads<Row>(
    columns: ('l.organization' | 'l.assignedTo')[],
    where: QBFilterQuery<ILead, 'l'>,
    orderBy: QueryOrderMap<ILead>[],
    limit: number,
  ): Promise<Row[]> {
    const qb = orm.em
      .fork()
      .createQueryBuilder(Lead, 'l')
      .select(columns, true)
      .where({ status: { $in: ['WON', 'LOST'] }, ...where })
      .orderBy(orderBy)
      .limit(limit);
    await qb.applyFilters(false);
    return qb.execute<Row[]>('all', true);
  }

  return {
    /** Trains the user's model from their WON/LOST leads in this organization (see trainUserModel). */
    async optimizeScoringWeights({ organizationId, userId }: ScoringPair): Promise<TrainingOutcome> {
      return trainUserModel(tenantEm(orm.em, organizationId), {
        organizationId,
        userId,
        minLeadsPerClass: config.scoring.minLeadsPerClass,
      });
    },

    /** Trains the organization's pooled model from all its WON/LOST leads (same rules as a user's). */
    async optimizeOrganizationScoringWeights({ organizationId }: { organizationId: string }): Promise<TrainingOutcome> {
      const { minLeadsPerClass } = config.scoring;
      return trainUserModel(tenantEm(orm.em, organizationId), { organizationId, userId: null, minLeadsPerClass });
    },

    /** A run that failed after its retries: recorded so the status route can say so. */
    async recordFailedScoringRun({
      organizationId,
      userId,
      error,
    }: {
      organizationId: string;
      userId: string | null;
      error: string;
    }): Promise<void> {
      const em = tenantEm(orm.em, organizationId);
      const scope = userId ? 'user' : 'organization';
      em.create(ScoringRun, {
        organization: organizationId,
        user: userId,
        scope,
        outcome: 'failed',
        reason: error.slice(0, 2000),
      });
      await em.flush();
    },

    /**
     * Distinct (organization, assigned user) pairs with WON/LOST leads, in key order after `afterKey`.
     * Cross-tenant on purpose (the weekly run covers every organization), so the tenant filters are
     * switched off explicitly; `organizationId` narrows it to one organization (the admin's manual run).
     */
    async listScoringPairs({
      afterKey,
      limit,
      organizationId,
    }: {
      afterKey?: ScoringPair | null;
      limit: number;
      organizationId?: string;
    }): Promise<ScoringPairsPage> {
      const rows = await distinctLabelledLeads<{ organization: string; assignedTo: string }>(
        ['l.organization', 'l.assignedTo'],
        {
          assignedTo: { $ne: null },
          ...(organizationId ? { organization: organizationId } : {}),
          ...(afterKey
            ? {
                $or: [
                  { organization: { $gt: afterKey.organizationId } },
                  { organization: afterKey.organizationId, assignedTo: { $gt: afterKey.userId } },
                ],
              }
            : {}),
        },
        [{ organization: 'asc' }, { assignedTo: 'asc' }],
        limit,
      );
      const pairs = rows.map((row) => ({ organizationId: row.organization, userId: row.assignedTo }));
      return { pairs, next: pairs.length === limit ? pairs[pairs.length - 1]! : null };
    },

    /** Organizations with WON/LOST leads (assigned or not), in id order after `afterId`; cross-tenant like above. */
    async listScoringOrganizations({
      afterId,
      limit,
      organizationId,
    }: {
      afterId?: string | null;
      limit: number;
      organizationId?: string;
    }): Promise<ScoringOrganizationsPage> {
      const rows = await distinctLabelledLeads<{ organization: string }>(
        ['l.organization'],
        organizationId ? { organization: organizationId } : afterId ? { organization: { $gt: afterId } } : {},
        [{ organization: 'asc' }],
        limit,
      );
      const organizationIds = rows.map((row) => row.organization);
      const next = organizationIds.length === limit ? organizationIds[organizationIds.length - 1]! : null;
      return { organizationIds, next };
    },
  };
}

export type ScoringActivities = ReturnType<typeof createScoringActivities>;
