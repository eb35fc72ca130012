// Bodies and small clients for the prompt route tests (/prompts, /openai-prompts, /admin/prompt-defaults).
import type { App } from '../../src/api/app.js';
import { User } from '../../src/domain/accounts/user.entity.js';
import { PromptChange } from '../../src/domain/prompts/prompt-change.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { as, type Account } from '../support/api.js';
import { DEFAULT_MODEL, type Stack } from '../support/harness.js';
import { ANALYSIS_SCHEMA } from '../support/prompts.js';

export const IND = 'openai_individual_prompt_id';
export const COMP = 'openai_complete_prompt_id';

/** A version body as clients send it (the built-in schema, the default model). */
export function versionBody(overrides: Record<string, unknown> = {}) {
  return {
    instructions: 'Analyse this sales call for {{organization.name}}; the rep is {{rep.firstName}}.',
    model: DEFAULT_MODEL,
    outputSchema: ANALYSIS_SCHEMA,
    ...overrides,
  };
}

/** A `POST /prompts` body. */
export function promptBody(overrides: Record<string, unknown> = {}, version: Record<string, unknown> = {}) {
  return { name: 'Discovery calls', kind: 'individual', version: versionBody(version), ...overrides };
}

/** Creates a prompt through the API as `account`; fails the test run loudly when the API refuses. */
export async function createPrompt(app: App, account: Account, body: Record<string, unknown> = promptBody()) {
  const res = await as(app, account).post('/prompts', body);
  if (res.statusCode !== 201) throw new Error(`POST /prompts failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; labels: Record<string, number>; replaced?: { userId: string; field: string }[] };
}

/** Calls /api/openai-prompts/* as one account. */
export const settingsClient = (app: App, account: Account) => as(app, account, '/api/openai-prompts');

export const dbUser = (stack: Stack, account: Account, userId = account.user.id) =>
  tenantEm(stack.orm.em, account.organization.id).findOneOrFail(User, { id: userId });

export const dbChanges = (stack: Stack, account: Account, userId = account.user.id) =>
  tenantEm(stack.orm.em, account.organization.id).find(
    PromptChange,
    { targetUser: userId },
    { orderBy: { changedAt: 'asc', field: 'asc' } },
  );

/** The organization's audit entries with this action, newest first. */
export async function auditOf(app: App, admin: Account, action: string) {
  const res = await as(app, admin).get('/admin/audit?limit=100');
  if (res.statusCode !== 200) throw new Error(`GET /admin/audit failed: ${res.statusCode} ${res.body}`);
  return (res.json().items as { action: string; details: Record<string, unknown>; target: unknown }[]).filter(
    (item) => item.action === action,
  );
}
