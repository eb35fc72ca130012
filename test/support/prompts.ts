// CallSense prompts for tests: created through the domain's own library code (as the API would), so a test
// can give a user, an organization default or a scripted stand-in answer a prompt of its own.
import { BUILT_IN_PROMPTS } from '../../src/domain/prompts/built-in-prompts.js';
import { createPrompt, type VersionInput } from '../../src/domain/prompts/prompt-library.js';
import { PRODUCTION_LABEL, type PromptKind } from '../../src/domain/prompts/prompt-ref.js';
import type { Account } from './api.js';
import type { Tenant } from './tenant.js';
import { DEFAULT_MODEL } from './harness.js';

/** The built-in prompts' output schema (the reviewed file itself): every field lead scoring reads. */
export const ANALYSIS_SCHEMA = BUILT_IN_PROMPTS.individual.versions[0]!.outputSchema;

/** A schema with room for anything a scripted answer returns: one free-form string per named field. */
export function stringsSchema(...fields: string[]) {
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field, { type: 'string' }])),
    required: fields,
    additionalProperties: false,
  };
}

export interface TestPromptVersion extends VersionInput {
  kind: PromptKind;
  name: string;
  createdBy: Account;
}

export function testVersion(overrides: Partial<VersionInput> = {}): VersionInput {
  return {
    instructions: 'Analyse the sales call for {{organization.name}}.',
    model: DEFAULT_MODEL,
    outputSchema: ANALYSIS_SCHEMA,
    ...overrides,
  };
}

/** Creates a prompt (version 1, labelled production) in the tenant's organization and returns its id. */
export async function createTestPrompt(tenant: Tenant, options: Partial<TestPromptVersion> = {}): Promise<string> {
  const { kind = 'individual', name = `Test ${kind} prompt`, createdBy = tenant.admin, ...version } = options;
  const prompt = await createPrompt(tenant.em(), {
    organizationId: tenant.organizationId,
    actor: { id: createdBy.user.id, email: createdBy.user.email },
    name,
    kind,
    version: testVersion(version),
  });
  return prompt.id;
}

export { PRODUCTION_LABEL };
