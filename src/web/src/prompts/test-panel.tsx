// Test: runs a saved version (or the editor's draft) once on a pasted transcript or a recent call, and shows the
// output and whether it matches the version's schema. Nothing is saved.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Check, Play, X } from 'lucide-react';
import { api, ApiError, unwrap } from '../api/client';
import { AnalysisView } from '../components/analysis-view';
import { BusyIcon, ErrorNote, Field, formatDate } from '../components/ui';
import type { PromptKind, VersionBody } from './api';

const DRAFT = 'draft';

export function TestPanel(props: {
  promptId: string;
  kind: PromptKind;
  versions: number[];
  production: number;
  /** The editor's draft, when it can run (null: not editable, or not complete yet). */
  draft: VersionBody | null;
}) {
  // '' follows the production label, wherever it points when the test runs.
  const [which, setWhich] = useState('');
  const [callId, setCallId] = useState('');
  const [transcript, setTranscript] = useState('');
  const calls = useQuery({
    queryKey: ['calls', 'recent'],
    queryFn: () => unwrap(api.GET('/api/calls/', { params: { query: { limit: 20 } } })),
  });
  const run = useMutation({
    mutationFn: () => {
      const { note: _note, ...draft } = props.draft ?? ({} as VersionBody);
      const prompt =
        which === DRAFT ? { ...draft, kind: props.kind } : which ? `${props.promptId}@${which}` : props.promptId;
      return unwrap(api.POST('/api/prompts/run', { body: { prompt, ...(callId ? { callId } : { transcript }) } }));
    },
  });
  const fieldError = (field: string) => (run.error instanceof ApiError ? run.error.detail(field) : undefined);
  const ready = (callId || transcript.trim()) && (which !== DRAFT || props.draft);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ready && !run.isPending) run.mutate();
      }}
    >
      <div className="grid-2">
        <Field id="test-version" label="Version to test">
          <select id="test-version" value={which} onChange={(e) => setWhich(e.target.value)}>
            <option value="">Production (v{props.production})</option>
            {props.versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
            {props.draft ? <option value={DRAFT}>The draft in the editor</option> : null}
          </select>
        </Field>
        <Field id="test-call" label="Recent call" error={fieldError('callId')}>
          <select id="test-call" value={callId} onChange={(e) => setCallId(e.target.value)}>
            <option value="">None: paste a transcript</option>
            {calls.data?.items.map((call) => (
              <option key={call.id} value={call.id}>
                {call.callId} · {formatDate(call.createdAt)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {callId ? null : (
        <Field id="test-transcript" label="Transcript" error={fieldError('transcript')}>
          <textarea
            id="test-transcript"
            rows={5}
            value={transcript}
            placeholder="agent: Hello, thanks for calling…"
            onChange={(e) => setTranscript(e.target.value)}
          />
        </Field>
      )}
      <div className="actions">
        <button type="submit" disabled={!ready || run.isPending}>
          <BusyIcon busy={run.isPending} icon={Play} /> Run test
        </button>
      </div>
      {run.isError ? <ErrorNote error={run.error} /> : null}
      {run.data ? (
        <section className="preview-result" aria-label="Test result">
          <p>
            {run.data.valid ? (
              <span className="ok">
                <Check aria-hidden size={16} /> Matches the schema
              </span>
            ) : (
              <span className="bad">
                <X aria-hidden size={16} /> Does not match the schema
              </span>
            )}{' '}
            <span className="muted">
              · model {run.data.model}
              {run.data.usage ? ` · ${run.data.usage.inputTokens} in / ${run.data.usage.outputTokens} out tokens` : ''}
            </span>
          </p>
          {run.data.errors.length ? (
            <ul className="warnings">
              {run.data.errors.map((error) => (
                <li key={error}>{error}</li>
              ))}
            </ul>
          ) : null}
          <AnalysisView value={run.data.output} />
        </section>
      ) : null}
    </form>
  );
}
