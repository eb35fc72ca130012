// Activities of reanalysisWorkflow and callReconciliationWorkflow: find the calls to run (again). Ids only.
import { Context, log } from '@temporalio/activity';
import { Call } from '../domain/calls/call.entity.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { reanalysisWhere, type ReanalysisFilters } from '../domain/calls/reanalysis-filter.js';
import { ensureCallWorkflow, isWorkflowOpen } from '../temporal/starters.js';
import { asBookkeeping } from './failures.js';
import type { ActivityDeps } from './deps.js';

export interface CallToRun {
  callRowId: string;
  workflowId: string;
  userId: string | null;
  leadId: string;
}

export function createReanalysisActivities({ orm, config, temporal, openai }: ActivityDeps) {
  return {
    async countCallsForReanalysis({
      organizationId,
      filters,
      createdBefore,
    }: {
      organizationId: string;
      filters: ReanalysisFilters;
      createdBefore: string;
    }): Promise<number> {
      return asBookkeeping('Counting calls', () =>
        tenantEm(orm.em, organizationId).count(Call, reanalysisWhere(filters, new Date(createdBefore))),
      );
    },

    /** One page of matching calls in id order, after `afterId`. */
    async listCallsForReanalysis({
      organizationId,
      filters,
      createdBefore,
      afterId,
      limit,
    }: {
      organizationId: string;
      filters: ReanalysisFilters;
      createdBefore: string;
      afterId: string | null;
      limit: number;
    }): Promise<{ calls: CallToRun[]; next: string | null }> {
      return asBookkeeping('Listing calls', async () => {
        const where = reanalysisWhere(filters, new Date(createdBefore));
        const rows = await tenantEm(orm.em, organizationId).find(
          Call,
          afterId ? { $and: [where, { id: { $gt: afterId } }] } : where,
          {
            fields: ['id', 'workflowId', 'user', 'lead'],
            orderBy: { id: 'asc' },
            limit,
          },
        );
        const calls = rows.map((row) => ({
          callRowId: row.id,
          workflowId: row.workflowId,
          userId: row.user ?? null,
          leadId: row.lead,
        }));
        return { calls, next: calls.length === limit ? calls[calls.length - 1]!.callRowId : null };
      });
    },

    /**
     * Finds calls still `queued`/`analyzing` some minutes after they arrived whose workflow is not open (a start
     * that failed, a run terminated or timed out) and starts them again. Cross-tenant on purpose.
     */
    async reconcileStuckCalls({
      minAgeSeconds,
      limit,
    }: {
      minAgeSeconds: number;
      limit: number;
    }): Promise<{ checked: number; restarted: number }> {
      // Calls waiting for an OpenAI key stay queued until a worker that has one runs this pass.
      if (!openai.configured) return { checked: 0, restarted: 0 };
      const rows = await orm.em.fork().find(
        Call,
        {
          status: { $in: ['queued', 'analyzing'] },
          createdAt: { $lt: new Date(Date.now() - minAgeSeconds * 1000) },
        },
        {
          fields: ['id', 'organization', 'workflowId', 'user', 'lead'],
          orderBy: { createdAt: 'asc' },
          limit,
          filters: false,
        },
      );
      let restarted = 0;
      for (const row of rows) {
        Context.current().heartbeat();
        if (await isWorkflowOpen(temporal, row.workflowId)) continue;
        await ensureCallWorkflow(temporal, config, {
          organizationId: row.organization,
          userId: row.user ?? null,
          leadId: row.lead,
          callRowId: row.id,
          workflowId: row.workflowId,
        });
        restarted++;
      }
      if (restarted) log.info('restarted stuck calls', { checked: rows.length, restarted });
      return { checked: rows.length, restarted };
    },
  };
}

export type ReanalysisActivities = ReturnType<typeof createReanalysisActivities>;
