// A user's prompt settings (PromptRefs), what they resolve to, and their history: every change, whoever makes
// it, goes through applyPromptPatch.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User, type IUser } from '../accounts/user.entity.js';
import { PROMPT_FIELDS, PromptChange, type PromptField } from './prompt-change.entity.js';
import { Organization } from '../accounts/organization.entity.js';
import type { PromptSource } from '../leads/lead.entity.js';
import { BUILT_IN_PROMPT_IDS } from './built-in-prompts.js';
import { organizationDefaultFor, resolvePromptLine } from './prompt-resolver.js';
import { OPENAI_PROMPTS_RETIRED_ON, isRetiredOpenAIPrompt, type PromptKind } from './prompt-ref.js';
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';

export type PromptPatch = Partial<Record<PromptField, string | null>>;

interface ResolvedView {
  promptId: string;
  version: number;
  name: string;
  model: string;
  source: PromptSource;
}

export interface PromptSettingsView {
  openai_individual_prompt_id: string | null;
  openai_complete_prompt_id: string | null;
  system_defaults: { individual: string; complete: string };
  organization_defaults: { individual: string | null; complete: string | null };
  effective: { individual: ResolvedView; complete: ResolvedView };
  legacy: Partial<Record<PromptField, string>>;
}

const column = {
  openai_individual_prompt_id: 'openaiIndividualPromptId',
  openai_complete_prompt_id: 'openaiCompletePromptId',
} as const;

const KIND_OF: Record<PromptField, PromptKind> = {
  openai_individual_prompt_id: 'individual',
  openai_complete_prompt_id: 'complete',
};

/** What each field holds, what runs next and why, for one user. */
export async function promptSettingsView(
  em: EntityManager,
  user: Pick<IUser, 'openaiIndividualPromptId' | 'openaiCompletePromptId' | 'organization'>,
  defaultModel: string,
  /** The organization's defaults when read already (authentication reads the caller's). */
  known?: { defaultIndividualPrompt: string | null; defaultCompletePrompt: string | null },
): Promise<PromptSettingsView> {
  const organization =
    known ??
    (await em.findOne(
      Organization,
      { id: user.organization },
      { fields: ['id', 'defaultIndividualPrompt', 'defaultCompletePrompt'] },
    ));
  const organizationDefaults = {
    individual: organization ? organizationDefaultFor(organization, 'individual') : null,
    complete: organization ? organizationDefaultFor(organization, 'complete') : null,
  };
  const effective = {} as PromptSettingsView['effective'];
  const legacy: PromptSettingsView['legacy'] = {};
  for (const field of PROMPT_FIELDS) {
    const kind = KIND_OF[field];
    const value = user[column[field]] ?? null;
    if (value && isRetiredOpenAIPrompt(value)) {
      legacy[field] =
        `${value} is an OpenAI stored prompt, retired on ${OPENAI_PROMPTS_RETIRED_ON}: it is never sent, and the ` +
        'next default in line runs until you import its text (POST /prompts with replaces) or pick another prompt';
    }
    const line = await resolvePromptLine(
      em,
      { user: value, organization: organizationDefaults[kind] },
      kind,
      defaultModel,
    );
    const first = line.steps[0]!;
    effective[kind] = {
      promptId: first.spec.promptId,
      version: first.spec.version,
      name: first.spec.promptName,
      model: first.spec.model,
      source: first.candidate.source,
    };
  }
  return {
    openai_individual_prompt_id: user.openaiIndividualPromptId ?? null,
    openai_complete_prompt_id: user.openaiCompletePromptId ?? null,
    system_defaults: { individual: BUILT_IN_PROMPT_IDS.individual, complete: BUILT_IN_PROMPT_IDS.complete },
    organization_defaults: organizationDefaults,
    effective,
    legacy,
  };
}

/**
 * Applies `patch` to the user and records one PromptChange per field that really changes, in one transaction.
 * The row lock serializes concurrent changes, so each history row's oldValue is what it replaced.
 * `em` is tenant-scoped: a user of another organization is simply not found (null).
 */
export async function applyPromptPatch(
  em: EntityManager,
  input: { userId: string; actorId: string; patch: PromptPatch; recordUnchanged?: boolean },
): Promise<IUser | null> {
  return em.transactional(async (tx) => {
    const user = await tx.findOne(User, { id: input.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!user) return null;
    const actor = await tx.findOne(User, { id: input.actorId }, { fields: ['id', 'email'] });
    const actorEmail = actor?.email ?? null;
    const changedAt = new Date();
    for (const field of PROMPT_FIELDS) {
      const next = input.patch[field];
      const current = user[column[field]] ?? null;
      // A revert is always recorded as a new change, even when it restores the current value.
      if (next === undefined || (next === current && !input.recordUnchanged)) continue;
      user[column[field]] = next;
      tx.create(PromptChange, {
        organization: user.organization,
        targetUser: user.id,
        actor: input.actorId,
        actorEmail,
        field,
        oldValue: current,
        newValue: next,
        changedAt,
      });
      await recordAudit(tx, {
        organizationId: user.organization,
        actorId: input.actorId,
        actorEmail,
        action: AUDIT_ACTIONS.promptChanged,
        target: { type: 'user', id: user.id },
        details: { field, oldValue: current, newValue: next },
      });
    }
    return user;
  });
}

export interface PromptChangeView {
  id: string;
  field: PromptField;
  oldValue: string | null;
  newValue: string | null;
  changedBy: { id: string; email: string };
  changedAt: string;
}

/** The user's prompt history, newest first. */
export async function promptHistory(em: EntityManager, userId: string): Promise<PromptChangeView[]> {
  const changes = await em.find(PromptChange, { targetUser: userId }, { orderBy: { changedAt: 'desc', field: 'asc' } });
  return changes.map((change) => ({
    id: change.id,
    field: change.field,
    oldValue: change.oldValue ?? null,
    newValue: change.newValue ?? null,
    changedBy: { id: change.actor, email: change.actorEmail ?? '' },
    changedAt: change.changedAt.toISOString(),
  }));
}
