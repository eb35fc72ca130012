// One lead: contact facts and status, score with band and contributions, score history, complete analysis,
// and its calls.
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, unwrap } from '../api/client';
import type { Lead } from '../api/types';
import { AnalysisView } from '../components/analysis-view';
import { LeadScoreCard, ScoreHistoryChart } from '../components/score';
import { StatusBadge } from '../components/status-badge';
import { Card, DetailHeading, Empty, ErrorNote, Field, formatDate, QueryState } from '../components/ui';
import { useToast } from '../components/toast';
import { LEAD_STATUSES, type LeadStatus } from './leads';

export default function LeadDetailPage() {
  const { id = '' } = useParams();
  const toast = useToast();
  const queryClient = useQueryClient();
  const lead = useQuery({
    queryKey: ['lead', id],
    queryFn: () => unwrap(api.GET('/api/leads/{id}', { params: { path: { id } } })),
  });
  const calls = useQuery({
    queryKey: ['calls', 'lead', id],
    queryFn: () => unwrap(api.GET('/api/calls/', { params: { query: { leadId: id, limit: 50 } } })),
  });
  const setStatus = useMutation({
    mutationFn: (status: LeadStatus) =>
      unwrap(api.PATCH('/api/leads/{id}', { params: { path: { id } }, body: { status } })),
    // Optimistic: the new status shows at once and is rolled back if the server refuses it.
    onMutate: async (status) => {
      await queryClient.cancelQueries({ queryKey: ['lead', id] });
      const previous = queryClient.getQueryData<Lead>(['lead', id]);
      if (previous) queryClient.setQueryData<Lead>(['lead', id], { ...previous, status });
      return { previous };
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(['lead', id], saved);
      void queryClient.invalidateQueries({ queryKey: ['leads'] });
      toast.success(`Lead marked ${saved.status}`);
    },
    onError: (error, _status, context) => {
      if (context?.previous) queryClient.setQueryData(['lead', id], context.previous);
      toast.error(`Could not change the status: ${errorMessage(error)}`);
    },
  });

  if (!lead.isSuccess) return <QueryState query={lead} loading="Loading lead…" failed="Could not load the lead" />;
  const l = lead.data;
  return (
    <>
      <DetailHeading back="/leads" backLabel="Leads">
        {l.name ?? l.externalId}
      </DetailHeading>
      <div className="grid-2">
        <Card id="lead-facts" title="Lead">
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={l.status} />
            </dd>
            <dt>External id</dt>
            <dd>{l.externalId}</dd>
            <dt>Phone</dt>
            <dd>{l.phone ?? '—'}</dd>
            <dt>Email</dt>
            <dd>{l.email ?? '—'}</dd>
            <dt>Calls</dt>
            <dd>{l.callCount}</dd>
            <dt>Updated</dt>
            <dd>{formatDate(l.updatedAt)}</dd>
          </dl>
          <Field id="lead-status" label="Change status">
            <select
              id="lead-status"
              value={l.status}
              disabled={setStatus.isPending}
              onChange={(e) => setStatus.mutate(e.target.value as LeadStatus)}
            >
              {LEAD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
        </Card>
        <Card id="lead-score" title="Score">
          <LeadScoreCard leadId={id} />
        </Card>
      </div>
      <Card id="lead-history" title="Score history">
        <ScoreHistoryChart leadId={id} />
      </Card>
      <Card id="lead-analysis" title="Complete analysis">
        {l.completeAnalysis ? (
          <>
            <p className="muted">
              Prompt <code>{l.completeAnalysisPromptId ?? '—'}</code> ({l.completeAnalysisPromptSource ?? '—'})
            </p>
            <AnalysisView value={l.completeAnalysis} />
          </>
        ) : (
          <Empty>No complete analysis yet — it is built after this lead's calls are analysed.</Empty>
        )}
      </Card>
      <Card id="lead-calls" title="Calls">
        {calls.isError ? <ErrorNote error={calls.error} /> : null}
        {calls.data && calls.data.items.length === 0 ? <Empty>No calls for this lead.</Empty> : null}
        <ul>
          {calls.data?.items.map((c) => (
            <li key={c.id}>
              <Link to={`/calls/${c.id}`}>{c.callId}</Link> <StatusBadge status={c.status} /> {formatDate(c.createdAt)}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
