// The prompt configuration form, for the signed-in user or (admins) for a chosen user: two prompt ids with
// the system defaults as placeholders, a Validate button each (format first, then a live check), badges
// for the saved state, Save Configuration / Reset, and the API's field errors beside each field.
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Brain, Check, ExternalLink, RefreshCw, AlertCircle } from 'lucide-react';
import { api, ApiError, errorMessage, unwrap } from '../api/client';
import type { PromptConfig, PromptField, Validation } from '../api/types';
import { BusyIcon, Field, QueryState } from './ui';
import { useToast } from './toast';

const PROMPT_ID = /^pmpt_[A-Za-z0-9_-]{1,250}$/;
const FIELDS: { field: PromptField; label: string; kind: 'individual' | 'complete' }[] = [
  { field: 'openai_individual_prompt_id', label: 'Individual call analysis prompt ID', kind: 'individual' },
  { field: 'openai_complete_prompt_id', label: 'Complete lead analysis prompt ID', kind: 'complete' },
];

/** A local format check: no request is made for an id that cannot be valid. */
export function formatError(value: string): string | null {
  const id = value.trim();
  if (!id) return 'Enter a prompt ID (or leave the field empty to use the system default)';
  if (!id.startsWith('pmpt_')) return 'A prompt ID starts with pmpt_';
  if (!PROMPT_ID.test(id)) return 'A prompt ID is pmpt_ followed by letters, digits, _ or - (at most 250)';
  return null;
}

type CheckState = { state: 'idle' } | { state: 'checking' } | { state: 'done'; result: Validation };
type Values = Record<PromptField, string>;

export type PromptTarget = { kind: 'me' } | { kind: 'user'; userId: string };

export const promptsKey = (target: PromptTarget) => ['prompts', target.kind === 'me' ? 'me' : target.userId];

function loadConfig(target: PromptTarget) {
  return target.kind === 'me'
    ? unwrap(api.GET('/api/openai-prompts/my-prompts'))
    : unwrap(
        api.GET('/api/openai-prompts/admin/users/{userId}/prompts', { params: { path: { userId: target.userId } } }),
      );
}

function saveConfig(target: PromptTarget, body: Record<PromptField, string | null>) {
  return target.kind === 'me'
    ? unwrap(api.PUT('/api/openai-prompts/my-prompts', { body }))
    : unwrap(
        api.PUT('/api/openai-prompts/admin/users/{userId}/prompts', {
          params: { path: { userId: target.userId } },
          body,
        }),
      );
}

const toValues = (config: PromptConfig): Values => ({
  openai_individual_prompt_id: config.openai_individual_prompt_id ?? '',
  openai_complete_prompt_id: config.openai_complete_prompt_id ?? '',
});

/** `owner` names whose configuration this is in notifications (admins editing another user's). */
export function PromptForm({ target, owner }: { target: PromptTarget; owner?: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const key = promptsKey(target);
  const config = useQuery({ queryKey: key, queryFn: () => loadConfig(target) });
  const [values, setValues] = useState<Values>({ openai_individual_prompt_id: '', openai_complete_prompt_id: '' });
  const [checks, setChecks] = useState<Record<PromptField, CheckState>>({
    openai_individual_prompt_id: { state: 'idle' },
    openai_complete_prompt_id: { state: 'idle' },
  });
  const [serverErrors, setServerErrors] = useState<Partial<Record<PromptField, string>>>({});

  // A freshly loaded (or saved) configuration replaces what the form shows.
  useEffect(() => {
    if (config.data) setValues(toValues(config.data));
  }, [config.data]);

  // While typing, a malformed id is pointed out after a short pause; only Validate asks OpenAI.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setChecks((current) => {
        let next = current;
        for (const { field } of FIELDS) {
          const value = values[field].trim();
          const problem = value ? formatError(value) : null;
          if (problem && current[field].state === 'idle') {
            next = { ...next, [field]: { state: 'done', result: { valid: false, error: problem } } };
          }
        }
        return next;
      });
    }, 500);
    return () => window.clearTimeout(timer);
  }, [values]);

  const save = useMutation({
    mutationFn: (body: Record<PromptField, string | null>) => saveConfig(target, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(key, saved);
      void queryClient.invalidateQueries({ queryKey: ['prompt-history'] });
      setServerErrors({});
      toast.success(`Prompt configuration saved${owner ? ` for ${owner}` : ''}`);
    },
    onError: (error) => {
      const errors: Partial<Record<PromptField, string>> = {};
      if (error instanceof ApiError) for (const { field } of FIELDS) errors[field] = error.detail(field);
      setServerErrors(errors);
      toast.error(`Could not save the configuration: ${errorMessage(error)}`);
    },
  });

  if (!config.isSuccess)
    return (
      <QueryState
        query={config}
        loading="Loading prompt configuration…"
        failed="Could not load the prompt configuration"
      />
    );
  const saved = toValues(config.data);
  const dirty = FIELDS.some(({ field }) => values[field].trim() !== saved[field]);
  const checking = FIELDS.some(({ field }) => checks[field].state === 'checking');
  const invalid = FIELDS.some(({ field }) => {
    const value = values[field].trim();
    if (value === '') return false; // empty = system default
    const check = checks[field];
    return formatError(value) !== null || (check.state === 'done' && !check.result.valid);
  });

  const setValue = (field: PromptField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setChecks((c) => ({ ...c, [field]: { state: 'idle' } }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };

  const validate = async (field: PromptField) => {
    const id = values[field].trim();
    const problem = formatError(id);
    if (problem) {
      setChecks((c) => ({ ...c, [field]: { state: 'done', result: { valid: false, error: problem } } }));
      return;
    }
    setChecks((c) => ({ ...c, [field]: { state: 'checking' } }));
    try {
      const result = await unwrap(api.POST('/api/openai-prompts/validate', { body: { promptId: id } }));
      setChecks((c) => ({ ...c, [field]: { state: 'done', result } }));
    } catch (error) {
      setChecks((c) => ({ ...c, [field]: { state: 'done', result: { valid: false, error: errorMessage(error) } } }));
    }
  };

  const reset = () => {
    setValues(saved);
    setChecks({ openai_individual_prompt_id: { state: 'idle' }, openai_complete_prompt_id: { state: 'idle' } });
    setServerErrors({});
  };

  const submit = () => {
    const body = Object.fromEntries(FIELDS.map(({ field }) => [field, values[field].trim() || null])) as Record<
      PromptField,
      string | null
    >;
    save.mutate(body);
  };

  const defaults = config.data.system_defaults;
  const prefix = target.kind === 'me' ? 'me' : `user-${target.userId}`;
  return (
    <form
      className="prompt-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty && !checking && !invalid && !save.isPending) submit();
      }}
    >
      {FIELDS.map(({ field, label, kind }) => {
        const id = `${prefix}-${field}`;
        const check = checks[field];
        const custom = config.data[field] !== null;
        return (
          <div key={field} className="prompt-field" data-field={field}>
            <Field id={id} label={label} error={serverErrors[field]}>
              <div className="row">
                <input
                  id={id}
                  value={values[field]}
                  placeholder={defaults[kind] ?? 'No system default configured'}
                  onChange={(e) => setValue(field, e.target.value)}
                  aria-describedby={`${id}-result`}
                  aria-invalid={check.state === 'done' && !check.result.valid ? true : undefined}
                  autoComplete="off"
                  spellCheck={false}
                />
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void validate(field)}
                  disabled={check.state === 'checking'}
                >
                  <BusyIcon busy={check.state === 'checking'} />
                  Validate
                </button>
                <span className={custom ? 'badge badge-custom' : 'badge'}>{custom ? 'Custom' : 'System default'}</span>
              </div>
            </Field>
            <div id={`${id}-result`} className="validation" aria-live="polite">
              {check.state === 'checking' ? <span className="muted">Checking…</span> : null}
              {check.state === 'done' && check.result.valid ? (
                <span className="ok">
                  <Check aria-hidden size={16} /> Valid
                  {check.result.details ? ` — model ${check.result.details.model}` : ''}
                </span>
              ) : null}
              {check.state === 'done' && !check.result.valid ? (
                <span className="bad">
                  <AlertCircle aria-hidden size={16} /> {check.result.error ?? 'Invalid prompt ID'}
                </span>
              ) : null}
            </div>
          </div>
        );
      })}
      <div className="actions">
        <button type="submit" disabled={!dirty || checking || invalid || save.isPending}>
          <BusyIcon busy={save.isPending} />
          Save Configuration
        </button>
        <button type="button" className="secondary" onClick={reset} disabled={!dirty || save.isPending}>
          <RefreshCw aria-hidden size={16} /> Reset
        </button>
      </div>
      <div className="help">
        <Brain aria-hidden size={16} />
        <p>
          Leave a field empty to use the system default (individual: <code>{defaults.individual ?? 'none'}</code>,
          complete: <code>{defaults.complete ?? 'none'}</code>). Create and version prompts on the{' '}
          <a href="https://platform.openai.com/prompts" target="_blank" rel="noreferrer">
            OpenAI Platform <ExternalLink aria-hidden size={14} />
          </a>
          .
        </p>
      </div>
    </form>
  );
}
