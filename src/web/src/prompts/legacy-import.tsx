// A setting that still holds a retired OpenAI stored prompt (pmpt_…): the alert that says why it no longer runs,
// and Import, which creates a CallSense prompt from its pasted text with `replaces`, switching every user of the
// organization who held that id to it.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, Import } from 'lucide-react';
import { api, ApiError, errorMessage, unwrap } from '../api/client';
import { BusyIcon, ErrorNote, Field } from '../components/ui';
import { useToast } from '../components/toast';
import { JsonEditor } from './editor';
import { schemaError } from './schema-check';
import { BUILT_IN, KIND_NAMES, libraryKey, type PromptKind, useVersion } from './api';

const RETIRED_ON = '2026-11-30';

export function LegacyPrompt(props: { kind: PromptKind; value: string; why: string; target: unknown[] }) {
  const [open, setOpen] = useState(false);
  const id = `import-${props.kind}`;
  return (
    <div className="legacy">
      <div role="alert" className="notice legacy-alert">
        <AlertTriangle aria-hidden size={18} />
        <div>
          <p>
            <strong>{KIND_NAMES[props.kind]} analysis:</strong> this setting holds <code>{props.value}</code>, an OpenAI
            stored prompt. OpenAI retired stored prompts on {RETIRED_ON}, so it no longer runs: the default below runs
            instead. Paste its text to import it as a CallSense prompt.
          </p>
          <button
            type="button"
            className="secondary small"
            aria-expanded={open}
            aria-controls={id}
            onClick={() => setOpen(!open)}
          >
            <Import aria-hidden size={14} /> Import
          </button>
        </div>
      </div>
      {open ? <ImportForm id={id} {...props} onDone={() => setOpen(false)} /> : null}
    </div>
  );
}

function ImportForm(props: { id: string; kind: PromptKind; value: string; target: unknown[]; onDone(): void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  // The built-in prompt's schema is what lead scoring reads: the natural start for an imported prompt.
  const builtIn = useVersion(BUILT_IN[props.kind], 1);
  const [name, setName] = useState(`Imported ${props.value}`);
  const [model, setModel] = useState('');
  const [instructions, setInstructions] = useState('');
  const [schema, setSchema] = useState<string | null>(null);
  const schemaText = schema ?? (builtIn.data ? JSON.stringify(builtIn.data.outputSchema, null, 2) : '');
  const modelText = model || builtIn.data?.model || '';
  const run = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/prompts/', {
          body: {
            name: name.trim(),
            kind: props.kind,
            replaces: props.value,
            version: {
              instructions,
              model: modelText.trim(),
              outputSchema: JSON.parse(schemaText) as Record<string, unknown>,
              note: `Imported from the retired OpenAI prompt ${props.value}`,
            },
          },
        }),
      ),
    onSuccess: (created) => {
      const switched = created.replaced?.length ?? 0;
      toast.success(
        `Imported as ${created.name}; ${switched} ${switched === 1 ? 'setting now uses' : 'settings now use'} it`,
      );
      void queryClient.invalidateQueries({ queryKey: ['prompts'] });
      void queryClient.invalidateQueries({ queryKey: ['prompt-history'] });
      void queryClient.invalidateQueries({ queryKey: libraryKey(props.kind) });
      void queryClient.invalidateQueries({ queryKey: libraryKey() });
      props.onDone();
    },
    onError: (error) => toast.error(`Could not import: ${errorMessage(error)}`),
  });
  const err = (field: string) => (run.error instanceof ApiError ? run.error.detail(field) : undefined);
  const problem = schemaText ? schemaError(schemaText) : 'Loading the built-in schema…';
  const ready = name.trim() && modelText.trim() && instructions.trim() && !problem;
  return (
    <form
      id={props.id}
      className="import-form"
      aria-label={`Import ${props.value}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (ready && !run.isPending) run.mutate();
      }}
    >
      <div className="grid-2">
        <Field id={`${props.id}-name`} label="Name" error={err('name')}>
          <input id={`${props.id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id={`${props.id}-model`} label="Model" error={err('model')}>
          <input id={`${props.id}-model`} value={modelText} onChange={(e) => setModel(e.target.value)} />
        </Field>
      </div>
      <Field
        id={`${props.id}-instructions`}
        label="Instructions"
        error={err('instructions')}
        hint="Copy the prompt's text from wherever you kept it: OpenAI offers no export."
      >
        <textarea
          id={`${props.id}-instructions`}
          rows={6}
          value={instructions}
          onChange={(e) => setInstructions(e.target.value)}
        />
      </Field>
      <div className="field">
        <span className="label" id={`${props.id}-schema-label`}>
          Output schema
        </span>
        {builtIn.data || schema !== null ? (
          <JsonEditor labelId={`${props.id}-schema-label`} value={schemaText} onChange={setSchema} />
        ) : null}
        <div className="field-error" aria-live="polite">
          {(builtIn.data ? problem : null) ?? err('outputSchema') ?? ''}
        </div>
      </div>
      {run.isError ? <ErrorNote error={run.error} /> : null}
      <div className="actions">
        <button type="submit" disabled={!ready || run.isPending}>
          <BusyIcon busy={run.isPending} icon={Import} /> Import prompt
        </button>
        <button type="button" className="secondary" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
