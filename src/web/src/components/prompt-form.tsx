// The prompt configuration form: two prompt pickers (the signed-in user's, a chosen user's for admins, or the
// organization's defaults), the default that runs when a field is empty in its placeholder, a Validate button
// each (format first, then the live check), badges for the saved state, Save / Reset, and the API's field
// errors beside each field. A retired OpenAI prompt id (pmpt_…) still saved in a field gets the import alert.
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertCircle, AlertTriangle, Brain, Check, Library, RefreshCw } from 'lucide-react';
import { api, ApiError, errorMessage, unwrap } from '../api/client';
import type { PromptConfig, PromptField, Validation } from '../api/types';
import { BUILT_IN, describeRef, type PromptKind, referenceError, useLibrary } from '../prompts/api';
import { PromptPicker } from '../prompts/prompt-picker';
import { LegacyPrompt } from '../prompts/legacy-import';
import { BusyIcon, QueryState } from './ui';
import { useToast } from './toast';

const FIELDS: { field: PromptField; label: string; kind: PromptKind }[] = [
  { field: 'openai_individual_prompt_id', label: 'Individual call analysis prompt ID', kind: 'individual' },
  { field: 'openai_complete_prompt_id', label: 'Complete lead analysis prompt ID', kind: 'complete' },
];
const KINDS: PromptKind[] = ['individual', 'complete'];

type Source = 'user' | 'organization' | 'system';
const BADGES: Record<Source, string> = {
  user: 'Custom',
  organization: 'Organization default',
  system: 'System default',
};

type CheckState = { state: 'idle' } | { state: 'checking' } | { state: 'done'; result: Validation };
type Values = Record<PromptKind, string>;
const IDLE: Record<PromptKind, CheckState> = { individual: { state: 'idle' }, complete: { state: 'idle' } };

/** Whose prompts the form edits: the signed-in user's, another user's (admins), or the organization's defaults. */
export type PromptTarget = { kind: 'me' } | { kind: 'user'; userId: string } | { kind: 'organization' };

export const promptsKey = (target: PromptTarget) => ['prompts', target.kind === 'user' ? target.userId : target.kind];

type Defaults = Record<PromptKind, string | null>;
export type Loaded = { kind: 'settings'; config: PromptConfig } | { kind: 'defaults'; defaults: Defaults };

export async function loadPrompts(target: PromptTarget): Promise<Loaded> {
  if (target.kind === 'organization')
    return { kind: 'defaults', defaults: await unwrap(api.GET('/api/admin/prompt-defaults')) };
  const config =
    target.kind === 'me'
      ? await unwrap(api.GET('/api/openai-prompts/my-prompts'))
      : await unwrap(
          api.GET('/api/openai-prompts/admin/users/{userId}/prompts', { params: { path: { userId: target.userId } } }),
        );
  return { kind: 'settings', config };
}

/** Saves only the fields that changed, so a retired value in the other field stays as it is until imported. */
async function save(target: PromptTarget, changes: Partial<Record<PromptKind, string | null>>): Promise<Loaded> {
  if (target.kind === 'organization')
    return { kind: 'defaults', defaults: await unwrap(api.PUT('/api/admin/prompt-defaults', { body: changes })) };
  const body: Partial<Record<PromptField, string | null>> = {};
  for (const { field, kind } of FIELDS) if (kind in changes) body[field] = changes[kind] ?? null;
  const config =
    target.kind === 'me'
      ? await unwrap(api.PUT('/api/openai-prompts/my-prompts', { body }))
      : await unwrap(
          api.PUT('/api/openai-prompts/admin/users/{userId}/prompts', {
            params: { path: { userId: target.userId } },
            body,
          }),
        );
  return { kind: 'settings', config };
}

const fieldOf = (kind: PromptKind) => FIELDS.find((f) => f.kind === kind)!.field;

/** What the form shows for a loaded configuration: saved values, retired ids, badges and default descriptions. */
function view(loaded: Loaded, describe: (ref: string, kind: PromptKind) => string) {
  const saved = {} as Values;
  const retired: Partial<Record<PromptKind, { value: string; why: string }>> = {};
  const badge = {} as Record<PromptKind, Source>;
  const placeholder = {} as Record<PromptKind, string>;
  for (const kind of KINDS) {
    if (loaded.kind === 'defaults') {
      const value = loaded.defaults[kind];
      saved[kind] = value ?? '';
      badge[kind] = value ? 'organization' : 'system';
      placeholder[kind] = `System default: ${describe(BUILT_IN[kind], kind)}`;
      continue;
    }
    const { config } = loaded;
    const field = fieldOf(kind);
    const value = config[field];
    const why = config.legacy[field];
    // A retired id is never sent: the field reads as empty, and the alert below it says why.
    if (value && why) retired[kind] = { value, why };
    saved[kind] = value && !why ? value : '';
    const effective = config.effective[kind];
    badge[kind] = saved[kind] ? 'user' : effective.source;
    if (effective.source !== 'user') {
      placeholder[kind] = `${BADGES[effective.source]}: ${effective.name} v${effective.version}`;
    } else {
      const orgDefault = config.organization_defaults[kind];
      placeholder[kind] = orgDefault
        ? `Organization default: ${describe(orgDefault, kind)}`
        : `System default: ${describe(config.system_defaults[kind], kind)}`;
    }
  }
  return { saved, retired, badge, placeholder };
}

function ValidationResult({ result }: { result: Validation }) {
  if (!result.valid)
    return (
      <span className="bad">
        <AlertCircle aria-hidden size={16} /> {result.error ?? 'Invalid prompt reference'}
      </span>
    );
  const d = result.details;
  const settings = d
    ? [
        `model ${d.model}`,
        d.reasoningEffort ? `reasoning effort ${d.reasoningEffort}` : null,
        d.temperature !== null ? `temperature ${d.temperature}` : null,
      ].filter(Boolean)
    : [];
  return (
    <>
      <span className="ok">
        <Check aria-hidden size={16} /> Valid{settings.length ? ` — ${settings.join(', ')}` : ''}
      </span>
      {d?.shutdownDate ? <span className="muted"> · model shuts down on {d.shutdownDate}</span> : null}
      {d?.warnings.length ? (
        <ul className="warnings">
          {d.warnings.map((w) => (
            <li key={w}>
              <AlertTriangle aria-hidden size={14} /> {w}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** `owner` names whose configuration this is in notifications (admins editing another user's). */
export function PromptForm({ target, owner }: { target: PromptTarget; owner?: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const key = promptsKey(target);
  const loaded = useQuery({ queryKey: key, queryFn: () => loadPrompts(target) });
  const individuals = useLibrary('individual');
  const completes = useLibrary('complete');
  const [values, setValues] = useState<Values>({ individual: '', complete: '' });
  const [checks, setChecks] = useState(IDLE);
  const [serverErrors, setServerErrors] = useState<Partial<Record<PromptKind, string>>>({});

  const describe = (ref: string, kind: PromptKind) =>
    describeRef(ref, kind === 'individual' ? individuals.data : completes.data);
  const shown = loaded.data ? view(loaded.data, describe) : null;
  const savedIndividual = shown?.saved.individual;
  const savedComplete = shown?.saved.complete;

  // A freshly loaded (or saved) configuration replaces what the form shows.
  useEffect(() => {
    if (savedIndividual !== undefined && savedComplete !== undefined)
      setValues({ individual: savedIndividual, complete: savedComplete });
  }, [savedIndividual, savedComplete]);

  // While typing, a malformed reference is pointed out after a short pause; only Validate runs the prompt.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setChecks((current) => {
        let next = current;
        for (const kind of KINDS) {
          const value = values[kind].trim();
          const problem = value ? referenceError(value) : null;
          if (problem && current[kind].state === 'idle')
            next = { ...next, [kind]: { state: 'done', result: { valid: false, error: problem } } };
        }
        return next;
      });
    }, 500);
    return () => window.clearTimeout(timer);
  }, [values]);

  const saving = useMutation({
    mutationFn: (changes: Partial<Record<PromptKind, string | null>>) => save(target, changes),
    onSuccess: (saved) => {
      queryClient.setQueryData(key, saved);
      void queryClient.invalidateQueries({ queryKey: ['prompt-history'] });
      // Users without a setting of their own follow the organization's defaults.
      if (target.kind === 'organization') void queryClient.invalidateQueries({ queryKey: ['prompts'] });
      setServerErrors({});
      toast.success(
        target.kind === 'organization'
          ? 'Organization defaults saved'
          : `Prompt configuration saved${owner ? ` for ${owner}` : ''}`,
      );
    },
    onError: (error) => {
      const errors: Partial<Record<PromptKind, string>> = {};
      if (error instanceof ApiError)
        for (const { field, kind } of FIELDS)
          errors[kind] = target.kind === 'organization' ? error.detail(kind) : error.detail(field);
      setServerErrors(errors);
      toast.error(`Could not save: ${errorMessage(error)}`);
    },
  });

  if (!loaded.isSuccess || !shown)
    return (
      <QueryState
        query={loaded}
        loading="Loading prompt configuration…"
        failed="Could not load the prompt configuration"
      />
    );
  const { saved, retired, badge, placeholder } = shown;
  const changed = KINDS.filter((kind) => values[kind].trim() !== saved[kind]);
  const checking = KINDS.some((kind) => checks[kind].state === 'checking');
  const invalid = KINDS.some((kind) => {
    const value = values[kind].trim();
    if (value === '') return false; // empty = the default
    const check = checks[kind];
    return referenceError(value) !== null || (check.state === 'done' && !check.result.valid);
  });

  const setValue = (kind: PromptKind, value: string) => {
    setValues((v) => ({ ...v, [kind]: value }));
    setChecks((c) => ({ ...c, [kind]: { state: 'idle' } }));
    setServerErrors((e) => ({ ...e, [kind]: undefined }));
  };

  /** Checks the typed reference, or the default that an empty field stands for. */
  const validate = async (kind: PromptKind) => {
    const typed = values[kind].trim();
    let ref = typed;
    if (!typed) {
      const data = loaded.data;
      ref =
        data.kind === 'defaults'
          ? BUILT_IN[kind]
          : (data.config.organization_defaults[kind] ?? data.config.system_defaults[kind]);
    }
    const problem = referenceError(ref);
    if (problem) {
      setChecks((c) => ({ ...c, [kind]: { state: 'done', result: { valid: false, error: problem } } }));
      return;
    }
    setChecks((c) => ({ ...c, [kind]: { state: 'checking' } }));
    try {
      const result = await unwrap(api.POST('/api/openai-prompts/validate', { body: { promptId: ref } }));
      setChecks((c) => ({ ...c, [kind]: { state: 'done', result } }));
    } catch (error) {
      setChecks((c) => ({ ...c, [kind]: { state: 'done', result: { valid: false, error: errorMessage(error) } } }));
    }
  };

  const reset = () => {
    setValues(saved);
    setChecks(IDLE);
    setServerErrors({});
  };

  const prefix = target.kind === 'user' ? `user-${target.userId}` : target.kind;
  const isDefaults = target.kind === 'organization';
  return (
    <div className="prompt-form">
      {KINDS.map((kind) => {
        const old = retired[kind];
        return old ? <LegacyPrompt key={kind} kind={kind} value={old.value} why={old.why} target={key} /> : null;
      })}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (changed.length && !checking && !invalid && !saving.isPending)
            saving.mutate(Object.fromEntries(changed.map((kind) => [kind, values[kind].trim() || null])));
        }}
      >
        {FIELDS.map(({ field, label, kind }) => {
          const id = `${prefix}-${field}`;
          const check = checks[kind];
          return (
            <div key={field} className="prompt-field" data-field={field}>
              <div className="row picker-row">
                <PromptPicker
                  id={id}
                  label={label}
                  kind={kind}
                  value={values[kind]}
                  placeholder={placeholder[kind]}
                  invalid={check.state === 'done' && !check.result.valid}
                  describedBy={`${id}-result`}
                  onChange={(value) => setValue(kind, value)}
                />
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void validate(kind)}
                  disabled={check.state === 'checking'}
                >
                  <BusyIcon busy={check.state === 'checking'} />
                  Validate
                </button>
                <span className={badge[kind] === 'system' ? 'badge' : 'badge badge-custom'}>{BADGES[badge[kind]]}</span>
              </div>
              {serverErrors[kind] ? <div className="field-error">{serverErrors[kind]}</div> : null}
              <div id={`${id}-result`} className="validation" aria-live="polite">
                {check.state === 'checking' ? <span className="muted">Checking…</span> : null}
                {check.state === 'done' ? <ValidationResult result={check.result} /> : null}
              </div>
            </div>
          );
        })}
        <div className="actions">
          <button type="submit" disabled={!changed.length || checking || invalid || saving.isPending}>
            <BusyIcon busy={saving.isPending} />
            {isDefaults ? 'Save defaults' : 'Save Configuration'}
          </button>
          <button type="button" className="secondary" onClick={reset} disabled={!changed.length || saving.isPending}>
            <RefreshCw aria-hidden size={16} /> Reset
          </button>
          <Link to="/prompts" className="button secondary">
            <Library aria-hidden size={16} /> Manage prompts
          </Link>
        </div>
        <div className="help">
          <Brain aria-hidden size={16} />
          <p>
            {isDefaults
              ? 'Every user without a prompt of their own runs these; empty means the built-in prompt.'
              : 'Leave a field empty to use the default named in it.'}{' '}
            A reference is <code>prm_…</code> (the production version), <code>prm_…@7</code> (version 7) or{' '}
            <code>prm_…@staging</code> (a label).
          </p>
        </div>
      </form>
    </div>
  );
}
