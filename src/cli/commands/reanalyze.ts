import { CliError } from '../context.js';
import type { Command } from './index.js';
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
    await organizationEm(await ctx.orm(), values.org!);
    // Bulk re-analysis needs its workflow, which this build does not have yet.
    throw new CliError('reanalyze is not available in this build: the bulk re-analysis workflow is missing');
  },
};

export default command;
