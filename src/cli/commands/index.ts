// The operator's commands: each declares its options (for node:util parseArgs) and runs against a context.
import type { CliContext } from '../context.js';
import createOrganization from './create-organization.js';
import createUser from './create-user.js';
import issueToken from './issue-token.js';
import rotateWebhookSecret from './rotate-webhook-secret.js';
import runScoring from './run-scoring.js';
import reanalyze from './reanalyze.js';

export interface OptionSpec {
  type: 'string';
  required?: boolean;
  description: string;
}

export interface Command {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  run(ctx: CliContext, values: Record<string, string | undefined>): Promise<void>;
}

export const commands: Command[] = [
  createOrganization, createUser, issueToken, rotateWebhookSecret, runScoring, reanalyze,
];
