// Prompt versions as the OpenAI activities run them. A version never changes once saved, so a worker keeps
// the ones it has used (bounded) and a steady stream of analyses reads no version row after the first.
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadVersionSpec } from '../domain/prompts/prompt-library.js';
import { isBuiltInPrompt } from '../domain/prompts/built-in-prompts.js';
import type { PromptCandidate } from '../domain/prompts/prompt-resolver.js';
import type { PromptVersionSpec } from '../domain/prompts/version-spec.js';

const MAX_CACHED = 2000;
const cache = new Map<string, PromptVersionSpec>();

/** The candidate's version, or null when it no longer exists (its prompt was deleted since the line resolved). */
export async function versionSpecOf(
  em: EntityManager,
  organizationId: string,
  candidate: Pick<PromptCandidate, 'promptId' | 'version'>,
  defaultModel: string,
): Promise<PromptVersionSpec | null> {
  // Built-ins take their model from this worker's configuration: not shared across organizations' keys.
  const key = isBuiltInPrompt(candidate.promptId)
    ? `${candidate.promptId}@${candidate.version}:${defaultModel}`
    : `${organizationId}:${candidate.promptId}@${candidate.version}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const spec = await loadVersionSpec(em, candidate.promptId, candidate.version, defaultModel);
  if (!spec) return null;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, spec);
  return spec;
}
