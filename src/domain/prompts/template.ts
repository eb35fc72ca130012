// Prompt templates: `{{name}}` is replaced by a documented variable, `{{{{` is a literal `{{`. Only the
// documented names are accepted when a version is saved, so a typo cannot silently render as nothing.
import type { PromptKind } from './prompt-ref.js';

const COMMON_VARIABLES = [
  'transcript',
  'call.startedAt',
  'call.durationSeconds',
  'call.source',
  'lead.externalId',
  'lead.name',
  'lead.callCount',
  'rep.firstName',
  'rep.lastName',
  'organization.name',
  'preferences.chatbotTone',
  'preferences.customInstructions',
  'preferences.preferredContactTime',
] as const;
const COMPLETE_VARIABLES = ['lead.previousAnalysis', 'lead.newAnalyses'] as const;

export type TemplateVariables = Partial<Record<string, string | number | null | undefined>>;

function variablesFor(kind: PromptKind): readonly string[] {
  return kind === 'complete' ? [...COMMON_VARIABLES, ...COMPLETE_VARIABLES] : COMMON_VARIABLES;
}

// `{{{{` first (a literal), then `{{ name }}`; anything else is plain text.
const TOKEN = /\{\{\{\{|\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variable names a template uses, in order of first use. */
function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(TOKEN)) if (match[1] !== undefined) names.add(match[1]);
  return [...names];
}

/** Names the template uses that the kind does not offer. */
export function unknownVariables(template: string, kind: PromptKind): string[] {
  const known = new Set(variablesFor(kind));
  return templateVariables(template).filter((name) => !known.has(name));
}

export function renderTemplate(template: string, variables: TemplateVariables): string {
  return template.replace(TOKEN, (_token, name: string | undefined) => {
    if (name === undefined) return '{{';
    const value = variables[name];
    return value === undefined || value === null ? '' : String(value);
  });
}

/** An individual prompt's input when its version names none. A complete prompt without one receives the JSON
 * document `{ lead, previousAnalysis, newAnalyses }` built by the fold (see complete-analysis-input.ts). */
export const DEFAULT_INDIVIDUAL_INPUT = '{{transcript}}';
