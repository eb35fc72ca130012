// What a model's answer must satisfy before it is written: PostgreSQL's jsonb refuses NUL characters and
// unpaired surrogates, the model and version columns have fixed lengths, and an analysis has a size limit.
import { InvalidOutputError } from '../../openai/errors.js';

/** The largest analysis stored, as serialized JSON (UTF-8 bytes). */
const MAX_ANALYSIS_BYTES = 256 * 1024;
const MAX_MODEL_LENGTH = 128;
const MAX_PROMPT_VERSION_LENGTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function findUnstorableText(value: unknown): string | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return 'a NUL character (\\u0000)';
    if (LONE_SURROGATE.test(value)) return 'an unpaired UTF-16 surrogate';
    return null;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnstorableText(item);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnstorableText(key) ?? findUnstorableText(item);
      if (found) return found;
    }
  }
  return null;
}

/** Throws InvalidOutputError (a definite failure) when the answer cannot be stored as it is. */
export function checkStorableOutput(output: {
  analysis: Record<string, unknown>;
  model: string;
  promptVersion: string | null;
}): void {
  const unstorable = findUnstorableText(output.analysis);
  if (unstorable) throw new InvalidOutputError(`The prompt's output contains ${unstorable}, which cannot be stored`);
  const bytes = Buffer.byteLength(JSON.stringify(output.analysis));
  if (bytes > MAX_ANALYSIS_BYTES) {
    throw new InvalidOutputError(
      `The prompt's output is ${bytes} bytes; an analysis may be at most ${MAX_ANALYSIS_BYTES} bytes`,
    );
  }
  if (output.model.length > MAX_MODEL_LENGTH || findUnstorableText(output.model)) {
    throw new InvalidOutputError(
      `OpenAI reported a model name that cannot be stored (at most ${MAX_MODEL_LENGTH} characters)`,
    );
  }
  if (
    output.promptVersion !== null &&
    (output.promptVersion.length > MAX_PROMPT_VERSION_LENGTH || findUnstorableText(output.promptVersion))
  ) {
    throw new InvalidOutputError(
      `OpenAI reported a prompt version that cannot be stored (at most ${MAX_PROMPT_VERSION_LENGTH} characters)`,
    );
  }
}
