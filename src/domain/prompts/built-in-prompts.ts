// The two built-in prompts, shipped as reviewed files beside this module (instructions in Markdown, the output
// schema in JSON) and visible to every organization, read-only. They are the last step of every resolution
// line. A change to one is a new entry in its `versions`, never an edit of a published one.
import { readFileSync } from 'node:fs';
import type { PromptKind } from './prompt-ref.js';
import type { PromptVersionSpec } from './version-spec.js';

export const BUILT_IN_PROMPT_IDS: Record<PromptKind, string> = {
  individual: 'prm_systemindividual',
  complete: 'prm_systemcomplete',
};

const file = (name: string) => readFileSync(new URL(`./builtin/${name}`, import.meta.url), 'utf8');
const ANALYSIS_SCHEMA = JSON.parse(file('analysis.schema.json')) as Record<string, unknown>;

interface BuiltInPrompt {
  id: string;
  kind: PromptKind;
  name: string;
  description: string;
  /** Oldest first; the last one is `production`. The model is OPENAI_DEFAULT_MODEL. */
  versions: Omit<PromptVersionSpec, 'promptId' | 'promptName' | 'kind' | 'version' | 'model' | 'builtIn'>[];
}

export const BUILT_IN_PROMPTS: Record<PromptKind, BuiltInPrompt> = {
  individual: {
    id: BUILT_IN_PROMPT_IDS.individual,
    kind: 'individual',
    name: 'CallSense call analysis',
    description: 'Extracts the fields lead scoring reads from one call transcript.',
    versions: [
      {
        instructions: file('individual.md'),
        input: null,
        reasoningEffort: 'low',
        temperature: null,
        maxOutputTokens: null,
        outputSchema: ANALYSIS_SCHEMA,
        note: 'First built-in version, sent inline to the Responses API',
      },
    ],
  },
  complete: {
    id: BUILT_IN_PROMPT_IDS.complete,
    kind: 'complete',
    name: 'CallSense lead analysis',
    description: "Folds a lead's new call analyses into its complete analysis.",
    versions: [
      {
        instructions: file('complete.md'),
        input: null,
        reasoningEffort: 'low',
        temperature: null,
        maxOutputTokens: null,
        outputSchema: ANALYSIS_SCHEMA,
        note: 'First built-in version, sent inline to the Responses API',
      },
    ],
  },
};

export function builtInPromptById(promptId: string): BuiltInPrompt | undefined {
  return Object.values(BUILT_IN_PROMPTS).find((prompt) => prompt.id === promptId);
}

export function isBuiltInPrompt(promptId: string): boolean {
  return builtInPromptById(promptId) !== undefined;
}

/** A built-in version as the pipeline runs it; undefined for a version that does not exist. */
export function builtInVersion(promptId: string, version: number, defaultModel: string): PromptVersionSpec | undefined {
  const prompt = builtInPromptById(promptId);
  const entry = prompt?.versions[version - 1];
  if (!prompt || !entry) return undefined;
  return {
    ...entry,
    promptId: prompt.id,
    promptName: prompt.name,
    kind: prompt.kind,
    version,
    model: defaultModel,
    builtIn: true,
  };
}

export function builtInProductionVersion(kind: PromptKind): number {
  return BUILT_IN_PROMPTS[kind].versions.length;
}
