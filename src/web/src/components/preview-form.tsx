// Runs a prompt once on a pasted transcript and shows the extraction; nothing is saved.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Play } from 'lucide-react';
import { api, ApiError, unwrap } from '../api/client';
import { AnalysisView } from './analysis-view';
import { BusyIcon, ErrorNote, Field } from './ui';
import { referenceError } from '../prompts/api';

export function PreviewForm({ defaultPromptId }: { defaultPromptId: string }) {
  const [promptId, setPromptId] = useState('');
  const [transcript, setTranscript] = useState('');
  const [formatProblem, setFormatProblem] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (body: { promptId: string; transcript: string }) =>
      unwrap(api.POST('/api/openai-prompts/preview', { body })),
  });
  const fieldError = (field: string) => (run.error instanceof ApiError ? run.error.detail(field) : undefined);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const id = promptId.trim() || defaultPromptId;
        const problem = referenceError(id);
        setFormatProblem(problem);
        if (!problem) run.mutate({ promptId: id, transcript });
      }}
    >
      <Field id="preview-prompt" label="Preview prompt ID" error={formatProblem ?? fieldError('promptId')}>
        <input
          id="preview-prompt"
          value={promptId}
          placeholder={defaultPromptId}
          onChange={(e) => setPromptId(e.target.value)}
        />
      </Field>
      <Field id="preview-transcript" label="Transcript" error={fieldError('transcript')}>
        <textarea
          id="preview-transcript"
          rows={5}
          required
          value={transcript}
          placeholder="agent: Hello, thanks for calling…"
          onChange={(e) => setTranscript(e.target.value)}
        />
      </Field>
      <div className="actions">
        <button type="submit" disabled={run.isPending || transcript.trim() === ''}>
          <BusyIcon busy={run.isPending} icon={Play} /> Run preview
        </button>
      </div>
      {run.isError && !fieldError('promptId') && !fieldError('transcript') ? <ErrorNote error={run.error} /> : null}
      {run.data ? (
        <section className="preview-result" aria-label="Preview result">
          <p className="muted">
            {run.data.promptId} · model {run.data.model}
          </p>
          <AnalysisView value={run.data.output} />
        </section>
      ) : null}
    </form>
  );
}
