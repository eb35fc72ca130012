// Scoring: whether a model scores the caller's leads (and why not), its versions with AUC and accuracy,
// Activate to roll back or pin a version, and Retrain now.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { api, errorMessage, unwrap } from '../api/client';
import { BusyIcon, Card, Empty, ErrorNote, formatDate, Loading } from '../components/ui';
import { useToast } from '../components/toast';
import { ACTIONS_COLUMN, DataTable } from '../components/data-table';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const STATE_TEXT = {
  untrained: 'No model has been trained yet.',
  'insufficient-data': 'Not enough won and lost leads to train a model yet.',
  trained: 'A model scores your leads.',
} as const;

interface RetrainAnswer {
  outcome?: string;
  reason?: string | null;
  version?: number | null;
  workflowId?: string;
}

export function ScoringPage() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['scoring-status'], queryFn: () => unwrap(api.GET('/api/ai/scoring/status')) });
  const models = useQuery({ queryKey: ['scoring-models'], queryFn: () => unwrap(api.GET('/api/ai/scoring/models')) });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['scoring-status'] });
    void queryClient.invalidateQueries({ queryKey: ['scoring-models'] });
    void queryClient.invalidateQueries({ queryKey: ['lead-score'] });
  };
  const activate = useMutation({
    mutationFn: (version: number) =>
      unwrap(api.POST('/api/ai/scoring/models/{version}/activate', { params: { path: { version } } })),
    onSuccess: (m) => {
      toast.success(`Version ${m.version} is now active`);
      refresh();
    },
    onError: (error) => toast.error(`Could not activate: ${errorMessage(error)}`),
  });
  const retrain = useMutation({
    // `wait=true` answers when the run ends (or 202 with the workflow id when it takes longer).
    mutationFn: () =>
      unwrap(
        api.POST('/api/ai/scoring/optimize', { params: { query: { wait: true } as never } }),
      ) as Promise<RetrainAnswer>,
    onSuccess: (r) => {
      toast.success(
        r.outcome ? `Retraining finished: ${r.outcome}${r.reason ? ` — ${r.reason}` : ''}` : 'Retraining started',
      );
      refresh();
    },
    onError: (error) => toast.error(`Could not retrain: ${errorMessage(error)}`),
  });

  return (
    <>
      <h1>Scoring</h1>
      <Card id="scoring-status" title="Status">
        {status.isPending ? <Loading /> : null}
        {status.isError ? <ErrorNote error={status.error} prefix="Scoring status is not available" /> : null}
        {status.data ? (
          <>
            <p>{STATE_TEXT[status.data.state]}</p>
            <dl className="facts">
              <dt>Won / lost leads</dt>
              <dd>
                {status.data.won} / {status.data.lost} (at least {status.data.requiredPerClass} of each needed)
              </dd>
              <dt>Active version</dt>
              <dd>
                {status.data.activeVersion === null ? 'none' : `v${status.data.activeVersion} (${status.data.scope})`}
              </dd>
              <dt>Last run</dt>
              <dd>
                {status.data.lastRun
                  ? `${formatDate(status.data.lastRun.at)}: ${status.data.lastRun.outcome}${
                      status.data.lastRun.reason ? ` — ${status.data.lastRun.reason}` : ''
                    }`
                  : 'never'}
              </dd>
              <dt>Next run</dt>
              <dd>{formatDate(status.data.nextRunAt)}</dd>
            </dl>
          </>
        ) : null}
        <div className="actions">
          <button type="button" onClick={() => retrain.mutate()} disabled={retrain.isPending}>
            <BusyIcon busy={retrain.isPending} icon={RefreshCw} />
            Retrain now
          </button>
        </div>
      </Card>
      <Card id="scoring-models" title="Versions">
        {models.isPending ? <Loading /> : null}
        {models.isError ? <ErrorNote error={models.error} prefix="Model versions are not available" /> : null}
        {models.data && models.data.length === 0 ? (
          <Empty>No versions yet — mark leads WON or LOST, then Retrain now.</Empty>
        ) : null}
        {models.data && models.data.length > 0 ? (
          <DataTable columns={['Version', 'AUC', 'Accuracy', 'Leads (holdout)', 'Trained', 'Note', ACTIONS_COLUMN]}>
            {models.data.map((m) => (
              <tr key={m.version}>
                <td>
                  v{m.version} {m.active ? <span className="badge badge-custom">active</span> : null}
                </td>
                <td>{m.auc === null ? '—' : m.auc.toFixed(3)}</td>
                <td>{pct(m.accuracy)}</td>
                <td>
                  {m.trainingDataCount} ({m.holdoutCount})
                </td>
                <td>{formatDate(m.trainedAt)}</td>
                <td>{m.activationReason ?? ''}</td>
                <td>
                  {m.active ? null : (
                    <button
                      type="button"
                      className="secondary small"
                      disabled={activate.isPending}
                      onClick={() => activate.mutate(m.version)}
                    >
                      Activate
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </Card>
    </>
  );
}
