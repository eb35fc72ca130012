// References to CallSense prompts (`prm_x`, `prm_x@7`, `prm_x@staging`) and the retired OpenAI ids they replace.

const PROMPT_ID_PATTERN = /^prm_[A-Za-z0-9]{8,64}$/;
export const LABEL_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
export const PRODUCTION_LABEL = 'production';
/** The day OpenAI shut down stored prompt objects (`pmpt_…` ids, `v1/prompts`). */
export const OPENAI_PROMPTS_RETIRED_ON = '2026-11-30';

export type PromptKind = 'individual' | 'complete';
export const PROMPT_KINDS = ['individual', 'complete'] as const;

export interface PromptRef {
  promptId: string;
  /** A pinned version; absent with a label. */
  version?: number;
  /** The label the reference follows (`production` when the reference names none). */
  label?: string;
}

/** A value saved before prompts moved into CallSense: an OpenAI stored-prompt id. */
export function isRetiredOpenAIPrompt(value: string): boolean {
  return value.startsWith('pmpt_');
}

export function retiredPromptMessage(value: string): string {
  return (
    `${value} is an OpenAI stored prompt: OpenAI retired stored prompts on ${OPENAI_PROMPTS_RETIRED_ON}, so it ` +
    'can no longer run. Import its text with POST /prompts (replaces) and pick the new prompt'
  );
}

/** The reference, or why the string is not one. */
export function parsePromptRef(value: string): PromptRef | { error: string } {
  if (isRetiredOpenAIPrompt(value)) return { error: retiredPromptMessage(value) };
  const at = value.indexOf('@');
  const promptId = at === -1 ? value : value.slice(0, at);
  if (!PROMPT_ID_PATTERN.test(promptId)) {
    return { error: `Not a prompt reference: expected prm_<id>, prm_<id>@<version> or prm_<id>@<label>` };
  }
  if (at === -1) return { promptId, label: PRODUCTION_LABEL };
  const suffix = value.slice(at + 1);
  if (/^[1-9][0-9]{0,8}$/.test(suffix)) return { promptId, version: Number(suffix) };
  if (LABEL_PATTERN.test(suffix)) return { promptId, label: suffix };
  return { error: `Not a prompt reference: "${suffix}" is neither a version number nor a label` };
}
