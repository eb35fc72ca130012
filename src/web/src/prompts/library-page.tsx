// /prompts: the organization's prompts and the built-ins (name, kind, production version, model, labels,
// warnings), and New prompt: a name and kind, then the version editor, starting from the built-in's settings.
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, Library, Plus } from 'lucide-react';
import { api, ApiError, unwrap } from '../api/client';
import { DataTable } from '../components/data-table';
import { Card, Empty, Field, QueryState } from '../components/ui';
import { useToast } from '../components/toast';
import { BUILT_IN, KIND_NAMES, libraryKey, type PromptKind, useLibrary, useVersion, type VersionBody } from './api';
import { type Draft, draftFrom, VersionEditor } from './version-editor';

export function Labels({ labels }: { labels: Record<string, number> }) {
  return (
    <span className="labels">
      {Object.entries(labels).map(([label, version]) => (
        <span key={label} className={label === 'production' ? 'badge badge-custom' : 'badge'}>
          {label}: v{version}
        </span>
      ))}
    </span>
  );
}

function NewPrompt({ onCancel }: { onCancel(): void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PromptKind>('individual');
  const [description, setDescription] = useState('');
  const builtIn = useVersion(BUILT_IN[kind], 1);
  const [draft, setDraft] = useState<Draft>(draftFrom(undefined));
  // The built-in's model, effort and schema are where a new prompt of that kind starts; the text is the user's.
  useEffect(() => {
    if (builtIn.data) setDraft((d) => ({ ...draftFrom(builtIn.data), instructions: d.instructions, note: d.note }));
  }, [builtIn.data]);
  const create = useMutation({
    mutationFn: (version: VersionBody) =>
      unwrap(
        api.POST('/api/prompts/', {
          body: { name: name.trim(), kind, description: description.trim() || null, version },
        }),
      ),
    onSuccess: (prompt) => {
      void queryClient.invalidateQueries({ queryKey: libraryKey() });
      void queryClient.invalidateQueries({ queryKey: libraryKey(kind) });
      toast.success(`Prompt ${prompt.name} created`);
      navigate(`/prompts/${prompt.id}`);
    },
  });
  const err = (field: string) => (create.error instanceof ApiError ? create.error.detail(field) : undefined);
  return (
    <Card id="new-prompt" title="New prompt">
      <VersionEditor
        id="new"
        kind={kind}
        draft={draft}
        onChange={setDraft}
        onSubmit={(body) => (name.trim() ? create.mutate(body) : undefined)}
        submitLabel="Create prompt"
        busy={create.isPending}
        error={create.error}
      >
        <div className="grid-2">
          <Field id="new-name" label="Name" error={err('name')}>
            <input id="new-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field id="new-kind" label="Kind" error={err('kind')}>
            <select id="new-kind" value={kind} onChange={(e) => setKind(e.target.value as PromptKind)}>
              <option value="individual">{KIND_NAMES.individual} analysis</option>
              <option value="complete">{KIND_NAMES.complete} analysis</option>
            </select>
          </Field>
        </div>
        <Field id="new-description" label="Description" error={err('description')}>
          <input id="new-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
      </VersionEditor>
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Card>
  );
}

export function PromptLibraryPage() {
  const library = useLibrary();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <h1>
        <Library aria-hidden size={22} /> Prompts
      </h1>
      <p className="muted">
        The prompts that analyse calls and build each lead's complete analysis. Every saved version is kept; the{' '}
        <code>production</code> label says which one runs.
      </p>
      {creating ? (
        <NewPrompt onCancel={() => setCreating(false)} />
      ) : (
        <div className="actions page-actions">
          <button type="button" onClick={() => setCreating(true)}>
            <Plus aria-hidden size={16} /> New prompt
          </button>
        </div>
      )}
      <Card id="library-heading" title="Library">
        {!library.isSuccess ? (
          <QueryState query={library} loading="Loading prompts…" failed="Could not load the prompts" />
        ) : library.data.length === 0 ? (
          <Empty>No prompts yet.</Empty>
        ) : (
          <DataTable columns={['Name', 'Kind', 'Production', 'Model', 'Labels', 'Warnings']}>
            {library.data.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/prompts/${p.id}`}>{p.name}</Link>
                  {p.builtIn ? <span className="badge">Built-in</span> : null}
                  <div className="muted small">
                    <code>{p.id}</code>
                  </div>
                </td>
                <td>{KIND_NAMES[p.kind]}</td>
                <td>v{p.productionVersion}</td>
                <td>
                  <code>{p.model}</code>
                </td>
                <td>
                  <Labels labels={p.labels} />
                </td>
                <td>
                  {p.warnings.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ul className="warnings">
                      {p.warnings.map((w) => (
                        <li key={w}>
                          <AlertTriangle aria-hidden size={14} /> {w}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </>
  );
}
