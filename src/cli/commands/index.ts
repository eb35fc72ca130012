// The operator's commands, in the order `--help` lists them.
import type { Command } from './command.js';
import createOrganization from './create-organization.js';
import createUser from './create-user.js';
import issueToken from './issue-token.js';
import rotateWebhookSecret from './rotate-webhook-secret.js';
import runScoring from './run-scoring.js';
import reanalyze from './reanalyze.js';
import reseal from './reseal.js';

export const commands: Command[] = [
  createOrganization,
  createUser,
  issueToken,
  rotateWebhookSecret,
  runScoring,
  reanalyze,
  reseal,
];
