// What the pipeline needs of one prompt version to send it to OpenAI: plain data, cached by (prompt, version)
// because a version never changes once saved.
import type { PromptKind } from './prompt-ref.js';
import type { ReasoningEffort } from './prompt.entity.js';

export interface PromptVersionSpec {
  promptId: string;
  promptName: string;
  kind: PromptKind;
  version: number;
  instructions: string;
  /** Null: the kind's default input. */
  input: string | null;
  model: string;
  reasoningEffort: ReasoningEffort | null;
  temperature: number | null;
  maxOutputTokens: number | null;
  outputSchema: Record<string, unknown>;
  note?: string | null;
  builtIn: boolean;
}

/** A slug of the prompt's name for `text.format.name` (OpenAI accepts [a-zA-Z0-9_-], at most 64 characters). */
export function schemaName(promptName: string): string {
  const slug = promptName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return slug || 'analysis';
}
