import { Call } from '../../domain/calls/call.entity.js';
import { reanalysisWhere } from '../../domain/calls/reanalysis-filter.js';
import { AUDIT_ACTIONS, recordAudit } from '../../domain/audit/index.js';
import { startReanalysis } from '../../temporal/starters.js';
import { CliError } from '../context.js';
import type { Command } from './command.js';
import { organizationEm } from './support.js';

const command: Command = {
  name: 'reanalyze',
  summary: "Analyse an organization's calls again with the prompts configured now",
  options: {
    org: { type: 'string', required: true, description: 'the organization id' },
    status: { type: 'string', description: 'only calls in this state: failed | analyzed' },
  },
  async run(ctx, values) {
    if (values.status !== undefined && values.status !== 'failed' && values.status !== 'analyzed') {
      throw new CliError(`--status: "${values.status}" is neither failed nor analyzed`);
    }
    const organizationId = values.org!;
    const em = await organizationEm(await ctx.orm(), organizationId);
    const filters = values.status ? { status: values.status as 'failed' | 'analyzed' } : {};
    const createdBefore = new Date();
    const total = await em.count(Call, reanalysisWhere(filters, createdBefore));
    const { client } = await ctx.temporal();
    const { workflowId } = await startReanalysis(client, ctx.config, { organizationId, filters, total, createdBefore });
    await recordAudit(em, {
      organizationId,
      actorId: null,
      action: AUDIT_ACTIONS.reanalysisRequested,
      target: { type: 'organization', id: organizationId },
      details: { workflowId, total, filters, by: 'cli' },
    });
    await em.flush();
    ctx.print({ workflowId, total });
  },
};

export default command;
