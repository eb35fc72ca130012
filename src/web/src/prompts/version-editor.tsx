// The version editor: instructions and input templates, model settings, the output schema (CodeMirror, checked
// as you type) and a change note. Controlled: the prompt page also hands the draft to the Test panel.
import type { ReactNode } from 'react';
import { Save } from 'lucide-react';
import { ApiError } from '../api/client';
import { BusyIcon, ErrorNote, Field } from '../components/ui';
import { JsonEditor } from './editor';
import { schemaError } from './schema-check';
import type { PromptKind, PromptVersion, VersionBody } from './api';

const EFFORTS = ['none', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
type Effort = (typeof EFFORTS)[number];

export interface Draft {
  instructions: string;
  input: string;
  model: string;
  reasoningEffort: Effort | '';
  temperature: string;
  maxOutputTokens: string;
  outputSchema: string;
  note: string;
}

const VARIABLES = [
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
];
const COMPLETE_VARIABLES = ['lead.previousAnalysis', 'lead.newAnalyses'];

/** A draft that starts from a saved version (its note left for the new one), or from nothing. */
export function draftFrom(version: PromptVersion | undefined): Draft {
  return {
    instructions: version?.instructions ?? '',
    input: version?.input ?? '',
    model: version?.model ?? '',
    reasoningEffort: (version?.reasoningEffort as Effort | null | undefined) ?? '',
    temperature: version?.temperature === null || version?.temperature === undefined ? '' : String(version.temperature),
    maxOutputTokens:
      version?.maxOutputTokens === null || version?.maxOutputTokens === undefined
        ? ''
        : String(version.maxOutputTokens),
    outputSchema: version ? JSON.stringify(version.outputSchema, null, 2) : '',
    note: '',
  };
}

/** What the browser can tell before the server checks templates and strict mode. */
export function draftProblems(draft: Draft): Partial<Record<keyof Draft, string>> {
  const problems: Partial<Record<keyof Draft, string>> = {};
  if (!draft.instructions.trim()) problems.instructions = 'Write the instructions';
  if (!draft.model.trim()) problems.model = 'Name a model';
  const t = draft.temperature.trim();
  if (t && !(Number(t) >= 0 && Number(t) <= 2)) problems.temperature = 'A number from 0 to 2, or empty';
  const m = draft.maxOutputTokens.trim();
  if (m && !(Number.isInteger(Number(m)) && Number(m) >= 16)) problems.maxOutputTokens = 'A whole number from 16';
  const schema = schemaError(draft.outputSchema);
  if (schema) problems.outputSchema = schema;
  return problems;
}

export function draftBody(draft: Draft): VersionBody {
  return {
    instructions: draft.instructions,
    input: draft.input.trim() ? draft.input : null,
    model: draft.model.trim(),
    reasoningEffort: draft.reasoningEffort || null,
    temperature: draft.temperature.trim() ? Number(draft.temperature) : null,
    maxOutputTokens: draft.maxOutputTokens.trim() ? Number(draft.maxOutputTokens) : null,
    outputSchema: JSON.parse(draft.outputSchema) as Record<string, unknown>,
    note: draft.note.trim() || null,
  };
}

export function VersionEditor(props: {
  id: string;
  kind: PromptKind;
  draft: Draft;
  onChange(draft: Draft): void;
  onSubmit(body: VersionBody): void;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  /** Fields shown above the version's own (a new prompt's name and kind). */
  children?: ReactNode;
}) {
  const { id, draft } = props;
  const problems = draftProblems(draft);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => props.onChange({ ...draft, [key]: value });
  const server = (field: string) => (props.error instanceof ApiError ? props.error.detail(field) : undefined);
  const variables = props.kind === 'complete' ? [...VARIABLES, ...COMPLETE_VARIABLES] : VARIABLES;
  return (
    <form
      className="version-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (Object.keys(problems).length === 0 && !props.busy) props.onSubmit(draftBody(draft));
      }}
    >
      {props.children}
      <Field
        id={`${id}-instructions`}
        label="Instructions"
        error={server('instructions')}
        hint={
          <>
            Variables: {variables.map((v) => `{{${v}}}`).join(', ')}. <code>{'{{{{'}</code> writes a literal{' '}
            <code>{'{{'}</code>.
          </>
        }
      >
        <textarea
          id={`${id}-instructions`}
          rows={8}
          value={draft.instructions}
          onChange={(e) => set('instructions', e.target.value)}
        />
      </Field>
      <Field
        id={`${id}-input`}
        label="Input template"
        error={server('input')}
        hint={
          props.kind === 'complete'
            ? 'Empty: the lead, its previous analysis and the new call analyses as JSON.'
            : 'Empty: {{transcript}}.'
        }
      >
        <textarea
          id={`${id}-input`}
          rows={2}
          value={draft.input}
          placeholder={props.kind === 'complete' ? '(the lead and its analyses as JSON)' : '{{transcript}}'}
          onChange={(e) => set('input', e.target.value)}
        />
      </Field>
      <div className="grid-4">
        <Field id={`${id}-model`} label="Model" error={problems.model ?? server('model')}>
          <input
            id={`${id}-model`}
            value={draft.model}
            spellCheck={false}
            onChange={(e) => set('model', e.target.value)}
          />
        </Field>
        <Field id={`${id}-effort`} label="Reasoning effort" error={server('reasoningEffort')}>
          <select
            id={`${id}-effort`}
            value={draft.reasoningEffort}
            onChange={(e) => set('reasoningEffort', e.target.value as Draft['reasoningEffort'])}
          >
            <option value="">Model default</option>
            {EFFORTS.map((effort) => (
              <option key={effort} value={effort}>
                {effort}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-temperature`} label="Temperature" error={problems.temperature ?? server('temperature')}>
          <input
            id={`${id}-temperature`}
            type="number"
            min={0}
            max={2}
            step={0.1}
            placeholder="Model default"
            value={draft.temperature}
            onChange={(e) => set('temperature', e.target.value)}
          />
        </Field>
        <Field
          id={`${id}-max-tokens`}
          label="Max output tokens"
          error={problems.maxOutputTokens ?? server('maxOutputTokens')}
        >
          <input
            id={`${id}-max-tokens`}
            type="number"
            min={16}
            placeholder="No limit"
            value={draft.maxOutputTokens}
            onChange={(e) => set('maxOutputTokens', e.target.value)}
          />
        </Field>
      </div>
      <div className="field">
        <span className="label" id={`${id}-schema-label`}>
          Output schema
        </span>
        <JsonEditor
          labelId={`${id}-schema-label`}
          describedBy={`${id}-schema-check`}
          value={draft.outputSchema}
          onChange={(value) => set('outputSchema', value)}
        />
        <div className="hint">
          A JSON Schema with <code>"type": "object"</code>; every object lists all its properties in{' '}
          <code>required</code> and sets <code>"additionalProperties": false</code>.
        </div>
        <div id={`${id}-schema-check`} className="field-error" aria-live="polite">
          {problems.outputSchema ?? server('outputSchema') ?? ''}
        </div>
      </div>
      <Field id={`${id}-note`} label="Change note" error={server('note')}>
        <input
          id={`${id}-note`}
          value={draft.note}
          placeholder="What changed and why"
          onChange={(e) => set('note', e.target.value)}
        />
      </Field>
      {props.error ? <ErrorNote error={props.error} /> : null}
      <div className="actions">
        <button type="submit" disabled={props.busy || Object.keys(problems).length > 0}>
          <BusyIcon busy={props.busy} icon={Save} /> {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
