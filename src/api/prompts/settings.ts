// What the user's and the admin's prompt routes share: checking prompt ids, finding the target user and
// saving a change. One validator per OpenAI gateway, so both groups of routes share its cache.
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import { PROMPT_FIELDS } from '../../domain/prompts/prompt-change.entity.js';
import { systemDefaults } from '../../domain/prompts/prompt-resolver.js';
import { applyPromptPatch, promptSettingsView, type PromptPatch } from '../../domain/prompts/prompt-settings.js';
import { PromptValidator } from '../../domain/prompts/prompt-validator.js';
import type { OpenAIGateway } from '../../openai/gateway.js';
import { badRequest, notFound } from '../plugins/errors.js';
import { findVisible } from '../visible-row.js';

const validators = new WeakMap<OpenAIGateway, PromptValidator>();

function validatorFor(openai: OpenAIGateway): PromptValidator {
  const known = validators.get(openai);
  if (known) return known;
  const validator = new PromptValidator(openai);
  validators.set(openai, validator);
  return validator;
}

export function promptSettings(deps: AppDeps) {
  const validator = validatorFor(deps.openai);
  const defaults = systemDefaults(deps.config.openai);

  /** Validates every non-null id (null = system default, always accepted); a 400 names each failing field. */
  async function checkPatch(patch: PromptPatch) {
    const details: Record<string, string> = {};
    await Promise.all(
      PROMPT_FIELDS.map(async (field) => {
        const promptId = patch[field];
        if (promptId == null) return;
        const result = await validator.validate(promptId);
        if (!result.valid) details[field] = result.error;
      }),
    );
    if (Object.keys(details).length) throw badRequest('Some prompt ids cannot be used; nothing was saved', details);
  }

  /** A user of the caller's organization (the tenant filter hides the others: 404, as if they did not exist). */
  const targetUser = (request: FastifyRequest, userId: string) => findVisible(request.em, User, userId, 'User');

  async function savePatch(request: FastifyRequest, userId: string, patch: PromptPatch, recordUnchanged = false) {
    await checkPatch(patch);
    const user = await applyPromptPatch(request.em, { userId, actorId: request.auth.userId, patch, recordUnchanged });
    if (!user) throw notFound('User');
    return promptSettingsView(user, defaults);
  }

  return { validator, defaults, checkPatch, targetUser, savePatch };
}
