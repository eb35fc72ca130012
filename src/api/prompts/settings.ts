// What the user's and the admin's prompt routes share: checking references, finding the target user and
// saving a change. One validator per OpenAI gateway, so every group of routes shares its cache.
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import { PROMPT_FIELDS, type PromptField } from '../../domain/prompts/prompt-change.entity.js';
import { applyPromptPatch, promptSettingsView, type PromptPatch } from '../../domain/prompts/prompt-settings.js';
import { PromptValidator } from '../../domain/prompts/prompt-validator.js';
import { isRetiredOpenAIPrompt, retiredPromptMessage, type PromptKind } from '../../domain/prompts/prompt-ref.js';
import type { OpenAIGateway } from '../../openai/gateway.js';
import { badRequest, notFound } from '../plugins/errors.js';
import { findVisible } from '../visible-row.js';
import { assertBudget } from './run-once.js';

const validators = new WeakMap<OpenAIGateway, PromptValidator>();

export function validatorFor(deps: AppDeps): PromptValidator {
  const known = validators.get(deps.openai);
  if (known) return known;
  const validator = new PromptValidator(deps.openai, {
    warningDays: deps.config.openai.modelWarningDays,
    defaultModel: deps.config.openai.defaultModel,
    prices: deps.config.openai.prices,
  });
  validators.set(deps.openai, validator);
  return validator;
}

export const KIND_OF_FIELD: Record<PromptField, PromptKind> = {
  openai_individual_prompt_id: 'individual',
  openai_complete_prompt_id: 'complete',
};

export function promptSettings(deps: AppDeps) {
  const validator = validatorFor(deps);
  const defaultModel = deps.config.openai.defaultModel;

  /**
   * Why `ref` cannot be saved for `kind` (null: it can): a retired OpenAI id, a reference that does not resolve
   * to a prompt of that kind, or one that fails the live validation. Without an OpenAI key only the resolution
   * is checked, so settings can be prepared before a key is configured.
   */
  async function refError(request: FastifyRequest, ref: string, kind: PromptKind): Promise<string | null> {
    if (isRetiredOpenAIPrompt(ref)) return retiredPromptMessage(ref);
    if (!validator.configured) {
      const resolved = await validator.resolve(request.em, ref, kind);
      return resolved.ok ? null : resolved.error;
    }
    await assertBudget(deps, request);
    const result = await validator.validate(request.em, request.auth.organizationId, ref, kind);
    return result.valid ? null : result.error;
  }

  /** Validates every non-null reference (null = the default, always accepted); a 400 names each failing field. */
  async function checkFields(
    request: FastifyRequest,
    values: Partial<Record<string, string | null>>,
    kinds: Record<string, PromptKind>,
  ) {
    const details: Record<string, string> = {};
    for (const [field, kind] of Object.entries(kinds)) {
      const ref = values[field];
      if (ref == null) continue;
      const error = await refError(request, ref, kind);
      if (error) details[field] = error;
    }
    if (Object.keys(details).length)
      throw badRequest('Some prompt references cannot be used; nothing was saved', details);
  }

  const checkPatch = (request: FastifyRequest, patch: PromptPatch) =>
    checkFields(request, patch, Object.fromEntries(PROMPT_FIELDS.map((field) => [field, KIND_OF_FIELD[field]])));

  /** A user of the caller's organization (the tenant filter hides the others: 404, as if they did not exist). */
  const targetUser = (request: FastifyRequest, userId: string) => findVisible(request.em, User, userId, 'User');

  const viewOf = (request: FastifyRequest, user: Parameters<typeof promptSettingsView>[1]) =>
    // Every user shown is of the caller's organization (the EntityManager is scoped to it).
    promptSettingsView(request.em, user, defaultModel, request.currentOrganization);

  async function savePatch(request: FastifyRequest, userId: string, patch: PromptPatch, recordUnchanged = false) {
    await checkPatch(request, patch);
    const user = await applyPromptPatch(request.em, { userId, actorId: request.auth.userId, patch, recordUnchanged });
    if (!user) throw notFound('User');
    return viewOf(request, user);
  }

  return { validator, defaultModel, checkFields, checkPatch, targetUser, savePatch, viewOf };
}
