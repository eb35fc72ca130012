// Send test call: the API posts a signed sample call to this organization's own webhook, so intake, the workflow
// and the analysis run as for a real provider. The card follows the call until it is analysed or failed, and
// says why it waits when it stays queued (no OpenAI key: the call's `error` names what to set).
import { useMutation, useQuery } from '@tanstack/react-query';
import { PhoneCall } from 'lucide-react';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { StatusBadge } from '../components/status-badge';
import { BusyIcon, Card, ErrorNote } from '../components/ui';

function TestCallStatus({ id, waiting }: { id: string; waiting: string | null }) {
  const call = useQuery({
    queryKey: ['test-call', id],
    queryFn: () => unwrap(api.GET('/api/calls/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'analyzed' || status === 'failed' ? false : 1000;
    },
  });
  const status = call.data?.status ?? 'queued';
  const why = call.data?.error ?? (status === 'queued' ? waiting : null);
  return (
    <div role="status" aria-live="polite">
      <p>
        <Link to={`/calls/${id}`}>Test call</Link> <StatusBadge status={status} />
      </p>
      {why ? <p className="muted">{why}</p> : null}
    </div>
  );
}

export function TestCallCard() {
  const send = useMutation({ mutationFn: () => unwrap(api.POST('/api/admin/test-call')) });
  return (
    <Card id="test-call" title="Test call">
      <p className="muted">
        Posts a signed sample call to this organization’s webhook and follows it through analysis.
      </p>
      <div className="actions">
        <button type="button" disabled={send.isPending} onClick={() => send.mutate()}>
          <BusyIcon busy={send.isPending} icon={PhoneCall} />
          Send test call
        </button>
      </div>
      {send.isError ? <ErrorNote error={send.error} prefix="Could not send the test call" /> : null}
      {send.data ? <TestCallStatus key={send.data.id} id={send.data.id} waiting={send.data.waiting} /> : null}
    </Card>
  );
}
