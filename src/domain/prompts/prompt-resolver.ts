// The one prompt resolver (API and activities): the user's own prompt, then the system default.
import type { PromptSource } from '../leads/lead.entity.js';

export type PromptKind = 'individual' | 'complete';

export interface ResolvedPrompt {
  promptId: string;
  source: PromptSource;
}

export interface SystemPromptDefaults {
  individual: string | null;
  complete: string | null;
}

export function userPromptFor(
  user: { openaiIndividualPromptId?: string | null; openaiCompletePromptId?: string | null },
  kind: PromptKind,
) {
  return (kind === 'individual' ? user.openaiIndividualPromptId : user.openaiCompletePromptId) ?? null;
}

/** The candidates in the order they are tried: the user's prompt, then the system default (deduplicated). */
export function promptCandidates(userPromptId: string | null, systemPromptId: string | null): ResolvedPrompt[] {
  const candidates: ResolvedPrompt[] = [];
  if (userPromptId) candidates.push({ promptId: userPromptId, source: 'user' });
  if (systemPromptId && systemPromptId !== userPromptId)
    candidates.push({ promptId: systemPromptId, source: 'system' });
  return candidates;
}

export function systemDefaults(openai: {
  individualPromptId?: string | undefined;
  completePromptId?: string | undefined;
}): SystemPromptDefaults {
  return { individual: openai.individualPromptId ?? null, complete: openai.completePromptId ?? null };
}
