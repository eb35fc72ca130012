// The resolution line of every analysis (API and activities alike): the user's setting → the organization's
// default → the built-in prompt. A step is skipped when it is empty, a retired OpenAI id, or points to a prompt,
// label or version that no longer exists; the first skip of a configured step becomes the `fallbackReason`.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PromptSource } from '../leads/lead.entity.js';
import { BUILT_IN_PROMPT_IDS, builtInProductionVersion } from './built-in-prompts.js';
import { resolveRef, type RefSources } from './prompt-library.js';
import { OPENAI_PROMPTS_RETIRED_ON, type PromptKind } from './prompt-ref.js';
import type { PromptVersionSpec } from './version-spec.js';

export type { PromptKind } from './prompt-ref.js';

/** One prompt version the analysis may run; only ids travel through Temporal. */
export interface PromptCandidate {
  promptId: string;
  version: number;
  source: PromptSource;
}

export interface PromptLine {
  /** In the order they are tried; the built-in is always last. */
  candidates: PromptCandidate[];
  /** Why the first configured step was skipped (null: nothing configured was skipped). */
  fallbackReason: string | null;
}

export interface PromptSettingsOf {
  user: string | null;
  organization: string | null;
}

export function userPromptFor(
  user: { openaiIndividualPromptId?: string | null; openaiCompletePromptId?: string | null },
  kind: PromptKind,
) {
  return (kind === 'individual' ? user.openaiIndividualPromptId : user.openaiCompletePromptId) ?? null;
}

export function organizationDefaultFor(
  organization: { defaultIndividualPrompt?: string | null; defaultCompletePrompt?: string | null },
  kind: PromptKind,
) {
  return (kind === 'individual' ? organization.defaultIndividualPrompt : organization.defaultCompletePrompt) ?? null;
}

function builtInCandidate(kind: PromptKind): PromptCandidate {
  return { promptId: BUILT_IN_PROMPT_IDS[kind], version: builtInProductionVersion(kind), source: 'system' };
}

const WHOSE: Record<Exclude<PromptSource, 'system'>, string> = {
  user: "the user's",
  organization: "the organization's default",
};

/** Why a configured step cannot run, in words for the analysis record. */
function skipReason(source: Exclude<PromptSource, 'system'>, value: string, reason: string, error: string): string {
  if (reason === 'retired')
    return `${WHOSE[source]} prompt ${value} is an OpenAI stored prompt, retired on ${OPENAI_PROMPTS_RETIRED_ON}`;
  return `${WHOSE[source]} prompt ${value} cannot run: ${error}`;
}

export interface ResolvedStep {
  candidate: PromptCandidate;
  spec: PromptVersionSpec;
}

/** Resolves the line for one kind; `specs` receives each runnable step's version (for views that show names). */
export async function resolvePromptLine(
  em: EntityManager,
  settings: PromptSettingsOf,
  kind: PromptKind,
  defaultModel: string,
  sources?: RefSources,
): Promise<PromptLine & { steps: ResolvedStep[] }> {
  const steps: ResolvedStep[] = [];
  let fallbackReason: string | null = null;
  for (const source of ['user', 'organization'] as const) {
    const value = settings[source];
    if (!value) continue;
    const resolved = await resolveRef(em, value, { kind, defaultModel, ...(sources ? { sources } : {}) });
    if (!resolved.ok) {
      fallbackReason ??= skipReason(source, value, resolved.reason, resolved.error);
      continue;
    }
    const { spec } = resolved;
    if (steps.some((step) => step.candidate.promptId === spec.promptId && step.candidate.version === spec.version))
      continue;
    steps.push({ candidate: { promptId: spec.promptId, version: spec.version, source }, spec });
  }
  const builtIn = builtInCandidate(kind);
  if (
    !steps.some((step) => step.candidate.promptId === builtIn.promptId && step.candidate.version === builtIn.version)
  ) {
    const resolved = await resolveRef(em, `${builtIn.promptId}@${builtIn.version}`, { kind, defaultModel });
    if (resolved.ok) steps.push({ candidate: builtIn, spec: resolved.spec });
  }
  return { candidates: steps.map((step) => step.candidate), fallbackReason, steps };
}
