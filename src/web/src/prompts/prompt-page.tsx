// /prompts/:id: a prompt's versions and labels, the editor for its next version, Compare, Test, Experiments and
// Duplicate.
// Built-in prompts are read-only: they show Built-in and offer Duplicate (the editable copy).
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Copy, Star } from 'lucide-react';
import { api, errorMessage, unwrap } from '../api/client';
import { ACTIONS_COLUMN, DataTable } from '../components/data-table';
import { BusyIcon, Card, DetailHeading, formatDate, QueryState } from '../components/ui';
import { useToast } from '../components/toast';
import {
  fetchVersion,
  KIND_NAMES,
  libraryKey,
  PRODUCTION,
  type PromptDetail,
  promptKey,
  useVersion,
  type VersionBody,
} from './api';
import { Labels } from './library-page';
import { Compare } from './compare';
import { Experiments } from './experiments';
import { TestPanel } from './test-panel';
import { type Draft, draftBody, draftFrom, draftProblems, VersionEditor } from './version-editor';

function labelsOf(prompt: PromptDetail, version: number): Record<string, number> {
  return Object.fromEntries(Object.entries(prompt.labels).filter(([, v]) => v === version));
}

function useInvalidate(id: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: promptKey(id) });
    void queryClient.invalidateQueries({ queryKey: libraryKey() });
    void queryClient.invalidateQueries({ queryKey: ['prompt-library'] });
  };
}

function NextVersion({ prompt, draft, setDraft }: { prompt: PromptDetail; draft: Draft; setDraft(d: Draft): void }) {
  const toast = useToast();
  const invalidate = useInvalidate(prompt.id);
  const save = useMutation({
    mutationFn: (body: VersionBody) =>
      unwrap(api.POST('/api/prompts/{id}/versions', { params: { path: { id: prompt.id } }, body })),
    onSuccess: (version) => {
      invalidate();
      setDraft({ ...draft, note: '' });
      toast.success(`Version ${version.version} saved; production still runs v${prompt.labels[PRODUCTION]}`);
    },
  });
  return (
    <VersionEditor
      id="version"
      kind={prompt.kind}
      draft={draft}
      onChange={setDraft}
      onSubmit={(body) => save.mutate(body)}
      submitLabel="Save version"
      busy={save.isPending}
      error={save.error}
    />
  );
}

export function PromptPage() {
  const { id = '' } = useParams();
  const toast = useToast();
  const navigate = useNavigate();
  const invalidate = useInvalidate(id);
  const prompt = useQuery({
    queryKey: promptKey(id),
    queryFn: () => unwrap(api.GET('/api/prompts/{id}', { params: { path: { id } } })),
  });
  const latest = useVersion(id, prompt.data?.latestVersion);
  const [draft, setDraft] = useState<Draft | null>(null);
  // The editor starts from the newest version, once, so typing is never overwritten by a refetch.
  useEffect(() => {
    if (latest.data && draft === null) setDraft(draftFrom(latest.data));
  }, [latest.data, draft]);

  const label = useMutation({
    mutationFn: (version: number) =>
      unwrap(
        api.PUT('/api/prompts/{id}/labels/{label}', {
          params: { path: { id, label: PRODUCTION } },
          body: { version },
        }),
      ),
    onSuccess: (_, version) => {
      invalidate();
      toast.success(`Version ${version} is now production`);
    },
    onError: (error) => toast.error(`Could not move the label: ${errorMessage(error)}`),
  });
  const duplicate = useMutation({
    mutationFn: (name: string) =>
      unwrap(api.POST('/api/prompts/{id}/duplicate', { params: { path: { id } }, body: { name } })),
    onSuccess: (copy) => {
      invalidate();
      toast.success(`Duplicated as ${copy.name}`);
      navigate(`/prompts/${copy.id}`);
    },
    onError: (error) => toast.error(`Could not duplicate: ${errorMessage(error)}`),
  });
  const loadIntoEditor = async (version: number) => {
    try {
      setDraft(draftFrom(await fetchVersion(id, version)));
      document.getElementById('version-instructions')?.focus();
    } catch (error) {
      toast.error(`Could not load v${version}: ${errorMessage(error)}`);
    }
  };

  if (!prompt.isSuccess)
    return <QueryState query={prompt} loading="Loading prompt…" failed="Could not load the prompt" />;
  const p = prompt.data;
  const production = p.labels[PRODUCTION] ?? p.latestVersion;
  const versions = p.versions.map((v) => v.version);
  const runnableDraft = draft && !p.builtIn && Object.keys(draftProblems(draft)).length === 0 ? draftBody(draft) : null;
  return (
    <>
      <DetailHeading back="/prompts" backLabel="Prompts">
        {p.name}
        {p.builtIn ? <span className="badge">Built-in</span> : null}
      </DetailHeading>
      <p className="muted">
        {KIND_NAMES[p.kind]} analysis · <code>{p.id}</code> · production v{production}
        {p.createdBy ? ` · created by ${p.createdBy.email}` : ''}
      </p>
      {p.description ? <p>{p.description}</p> : null}
      <div className="actions page-actions">
        <button
          type="button"
          className="secondary"
          disabled={duplicate.isPending}
          onClick={() => duplicate.mutate(`${p.name} (copy)`)}
        >
          <BusyIcon busy={duplicate.isPending} icon={Copy} /> Duplicate
        </button>
        {p.builtIn ? (
          <span className="muted">Built-in prompts cannot change: duplicate one to edit your own copy.</span>
        ) : null}
      </div>
      <Card id="versions-heading" title="Versions">
        <DataTable
          columns={['Version', 'Labels', 'Model', 'Note', 'By', 'Saved', ...(p.builtIn ? [] : [ACTIONS_COLUMN])]}
        >
          {p.versions.map((v) => (
            <tr key={v.version}>
              <td>v{v.version}</td>
              <td>
                <Labels labels={labelsOf(p, v.version)} />
              </td>
              <td>
                <code>{v.model}</code>
              </td>
              <td>{v.note ?? <span className="muted">—</span>}</td>
              <td>{v.createdBy?.email ?? 'CallSense'}</td>
              <td>{formatDate(v.createdAt)}</td>
              {p.builtIn ? null : (
                <td className="row-actions">
                  <button
                    type="button"
                    className="small"
                    disabled={label.isPending || production === v.version}
                    onClick={() => label.mutate(v.version)}
                  >
                    <Star aria-hidden size={14} /> Set as production
                  </button>
                  <button type="button" className="secondary small" onClick={() => void loadIntoEditor(v.version)}>
                    Edit from v{v.version}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      </Card>
      {p.builtIn ? null : (
        <Card id="editor-heading" title={`New version (v${p.latestVersion + 1})`}>
          {draft ? (
            <NextVersion prompt={p} draft={draft} setDraft={setDraft} />
          ) : (
            <QueryState query={latest} loading="Loading the latest version…" failed="Could not load the version" />
          )}
        </Card>
      )}
      <Card id="compare-heading" title="Compare">
        {versions.length < 2 ? (
          <p className="muted">Only one version so far: save another to compare them.</p>
        ) : (
          <Compare key={versions.length} promptId={p.id} versions={versions} />
        )}
      </Card>
      <Card id="test-heading" title="Test">
        <TestPanel promptId={p.id} kind={p.kind} versions={versions} production={production} draft={runnableDraft} />
      </Card>
      <Card id="experiments-heading" title="Experiments">
        <Experiments
          prompt={p}
          onSetProduction={(version) => label.mutate(version)}
          settingProduction={label.isPending}
        />
      </Card>
    </>
  );
}
