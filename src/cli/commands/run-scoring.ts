import { Organization } from '../../domain/accounts/organization.entity.js';
import { AUDIT_ACTIONS, recordAudit } from '../../domain/audit/index.js';
import { startOrganizationScoring } from '../../temporal/scoring-runs.js';
import { tenantEm } from '../../domain/tenancy/tenant-em.js';
import type { Command } from './command.js';
import { organizationEm } from './support.js';

const command: Command = {
  name: 'run-scoring',
  summary: 'Retrain the lead-scoring models now: of one organization, or of every organization',
  options: { org: { type: 'string', description: 'the organization id (default: all)' } },
  async run(ctx, values) {
    const orm = await ctx.orm();
    if (values.org) await organizationEm(orm, values.org);
    const organizationIds = values.org
      ? [values.org]
      : (
          await orm.em.fork().find(Organization, {}, { filters: false, fields: ['id'], orderBy: { createdAt: 'asc' } })
        ).map((o) => o.id);
    const { client } = await ctx.temporal();
    const runs = [];
    for (const organizationId of organizationIds) {
      const { workflowId } = await startOrganizationScoring(client, ctx.config.temporal.taskQueue, organizationId);
      const em = tenantEm(orm.em, organizationId);
      await recordAudit(em, {
        organizationId,
        actorId: null,
        action: AUDIT_ACTIONS.scoringRun,
        target: { type: 'organization', id: organizationId },
        details: { workflowId, by: 'cli' },
      });
      await em.flush();
      runs.push({ organizationId, workflowId });
    }
    ctx.print({ runs });
  },
};

export default command;
