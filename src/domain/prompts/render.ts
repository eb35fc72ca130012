// From a prompt version and an analysis's variables to what is sent (instructions and input), and from the
// model's answer to an analysis: parsed as a JSON object and checked against the version's output schema.
import { InvalidOutputError } from '../../openai/errors.js';
import { parseJsonObject } from '../../openai/gateway.js';
import { schemaViolations } from './output-schema.js';
import { DEFAULT_INDIVIDUAL_INPUT, renderTemplate, type TemplateVariables } from './template.js';
import type { PromptVersionSpec } from './version-spec.js';

/**
 * `defaultInput` is what a version without an input template receives: the transcript for an individual
 * prompt, the fold's JSON document for a complete one.
 */
export function renderPrompt(
  spec: Pick<PromptVersionSpec, 'instructions' | 'input' | 'kind'>,
  variables: TemplateVariables,
  defaultInput?: string,
): { instructions: string; input: string } {
  const template = spec.input ?? (spec.kind === 'individual' ? DEFAULT_INDIVIDUAL_INPUT : null);
  return {
    instructions: renderTemplate(spec.instructions, variables),
    input: template === null ? (defaultInput ?? '') : renderTemplate(template, variables),
  };
}

/** The analysis in the answer, or InvalidOutputError (definite for this version) saying what is wrong. */
export function checkedOutput(
  spec: Pick<PromptVersionSpec, 'outputSchema'>,
  outputText: string,
): Record<string, unknown> {
  const analysis = parseJsonObject(outputText);
  const violations = schemaViolations(spec.outputSchema, analysis);
  if (violations.length)
    throw new InvalidOutputError(`The prompt's output does not match its output schema: ${violations.join('; ')}`);
  return analysis;
}
