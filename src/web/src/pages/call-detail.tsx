// One call: status (refreshing while it runs), the prompt used and its source, the analysis as a readable
// tree, earlier analyses, Reanalyze, and a link to its workflow in the Temporal UI.
import { useParams, Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ExternalLink, RefreshCw } from 'lucide-react';
import { api, errorMessage, unwrap } from '../api/client';
import type { Call } from '../api/types';
import { AnalysisView } from '../components/analysis-view';
import { StatusBadge } from '../components/status-badge';
import { BusyIcon, Card, DetailHeading, Empty, ErrorNote, formatDate, Loading, QueryState } from '../components/ui';
import { useToast } from '../components/toast';

const running = (status: string | undefined) => status === 'queued' || status === 'analyzing';

export function CallDetailPage() {
  const { id = '' } = useParams();
  const toast = useToast();
  const queryClient = useQueryClient();
  const call = useQuery({
    queryKey: ['call', id],
    queryFn: () => unwrap(api.GET('/api/calls/{id}', { params: { path: { id } } })) as Promise<Call>,
    refetchInterval: (query) => (running(query.state.data?.status) ? 1500 : false),
  });
  const analyses = useQuery({
    queryKey: ['call-analyses', id, call.data?.analyzedAt],
    queryFn: () => unwrap(api.GET('/api/calls/{id}/analyses', { params: { path: { id } } })),
    enabled: call.isSuccess,
    retry: false,
  });
  const reanalyze = useMutation({
    mutationFn: () => unwrap(api.POST('/api/calls/{id}/reanalyze', { params: { path: { id } } })),
    onSuccess: () => {
      toast.success('Re-analysis started');
      void queryClient.invalidateQueries({ queryKey: ['call', id] });
    },
    onError: (error) => toast.error(`Could not re-analyse: ${errorMessage(error)}`),
  });

  if (!call.isSuccess) return <QueryState query={call} loading="Loading call…" failed="Could not load the call" />;
  const c = call.data;
  return (
    <>
      <DetailHeading back="/calls" backLabel="Calls">
        Call {c.callId}
      </DetailHeading>
      <Card id="call-summary" title="Summary">
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={c.status} />
          </dd>
          <dt>Prompt</dt>
          <dd>
            {c.promptId ? <Link to={`/prompts/${c.promptId}`}>{c.promptName ?? c.promptId}</Link> : '—'}
            {c.promptVersion ? ` (version ${c.promptVersion})` : ''} {c.promptId ? <code>{c.promptId}</code> : null}
          </dd>
          <dt>Prompt source</dt>
          <dd>
            {c.promptSource === 'user'
              ? 'user (your prompt)'
              : c.promptSource === 'organization'
                ? 'organization (organization default)'
                : c.promptSource === 'system'
                  ? 'system (default prompt)'
                  : '—'}
          </dd>
          {c.fallbackReason ? (
            <>
              <dt>Why not the first prompt in line</dt>
              <dd>{c.fallbackReason}</dd>
            </>
          ) : null}
          <dt>Model</dt>
          <dd>{c.model ?? '—'}</dd>
          <dt>Lead</dt>
          <dd>
            <Link to={`/leads/${c.leadId}`}>Open lead</Link>
          </dd>
          <dt>Provider</dt>
          <dd>{c.source ?? 'callsense'}</dd>
          <dt>Received</dt>
          <dd>{formatDate(c.createdAt)}</dd>
          <dt>Analysed</dt>
          <dd>{formatDate(c.analyzedAt)}</dd>
        </dl>
        {c.error ? <p className="error-note">{c.error}</p> : null}
        <div className="actions">
          <button type="button" onClick={() => reanalyze.mutate()} disabled={reanalyze.isPending || running(c.status)}>
            <BusyIcon busy={reanalyze.isPending} icon={RefreshCw} />
            Reanalyze
          </button>
          {c.workflowUrl ? (
            <a className="button secondary" href={c.workflowUrl} target="_blank" rel="noreferrer">
              Open in Temporal UI <ExternalLink aria-hidden size={14} />
            </a>
          ) : (
            <span className="muted">Workflow {c.workflowId}</span>
          )}
        </div>
      </Card>
      <Card id="call-analysis" title="Analysis">
        {c.analysis ? (
          <AnalysisView value={c.analysis} />
        ) : (
          <Empty>{running(c.status) ? 'The analysis is running…' : 'No analysis stored.'}</Empty>
        )}
      </Card>
      {typeof c.transcript === 'string' && c.transcript ? (
        <Card id="call-transcript" title="Transcript">
          <pre className="transcript">{c.transcript}</pre>
        </Card>
      ) : null}
      <Card id="call-analyses" title="Earlier analyses">
        {analyses.isPending && analyses.fetchStatus !== 'idle' ? <Loading /> : null}
        {analyses.isError ? <ErrorNote error={analyses.error} prefix="Earlier analyses are not available" /> : null}
        {analyses.data && analyses.data.length === 0 ? <Empty>None yet.</Empty> : null}
        {analyses.data?.map((a) => (
          <details key={a.createdAt}>
            <summary>
              {formatDate(a.createdAt)} · {a.promptId ?? '—'} ({a.promptSource ?? '—'}) · {a.model ?? '—'}
            </summary>
            <AnalysisView value={a.analysis} />
          </details>
        ))}
      </Card>
    </>
  );
}
