// Admin → Integrations → Event endpoints: where CallSense sends what it learns (a CRM, a warehouse). Add an
// endpoint (URL and event types), see its signing secret once (with a copy button), send a test event, rotate
// the secret, turn it off, and follow each endpoint's deliveries with a Retry for the failed ones.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Copy, Plus, RefreshCw, Send, Trash2 } from 'lucide-react';
import { api, ApiError, errorMessage, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { Confirm } from '../components/confirm';
import { DataTable, ACTIONS_COLUMN } from '../components/data-table';
import { StatusBadge } from '../components/status-badge';
import { BusyIcon, Card, Empty, ErrorNote, Field, formatDate, Loading } from '../components/ui';
import { useToast } from '../components/toast';

type Endpoint = paths['/api/admin/event-endpoints']['get']['responses'][200]['content']['application/json'][number];
type EventType = Endpoint['events'][number];

const EVENT_TYPES: { type: EventType; help: string }[] = [
  { type: 'call.analyzed', help: 'a call was analysed' },
  { type: 'call.failed', help: "a call's analysis failed" },
  { type: 'lead.analysis.updated', help: "a lead's complete analysis changed" },
  { type: 'lead.scored', help: "a lead's score changed" },
  { type: 'ping', help: 'test events' },
];

/** A secret shown once: after creation or rotation, with a copy button, until dismissed. */
function SecretOnce({ secret, onDone }: { secret: string; onDone(): void }) {
  const toast = useToast();
  const copy = async () => {
    const input = document.getElementById('event-endpoint-secret') as HTMLInputElement | null;
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      // Without clipboard permission, select it so Ctrl+C copies it.
      input?.select();
      document.execCommand('copy');
    }
    toast.success('Secret copied');
  };
  return (
    <section className="callout" aria-label="The new signing secret">
      <Field
        id="event-endpoint-secret"
        label="Signing secret"
        hint="Shown only now: store it where your receiver verifies signatures (any Standard Webhooks library)."
      >
        <div className="row">
          <input id="event-endpoint-secret" readOnly value={secret} onFocus={(e) => e.target.select()} />
          <button type="button" className="secondary" onClick={copy}>
            <Copy aria-hidden size={16} /> Copy
          </button>
        </div>
      </Field>
      <div className="actions">
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

function AddEndpoint({ onSecret }: { onSecret(secret: string): void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<EventType[]>(['call.analyzed', 'lead.analysis.updated', 'lead.scored']);
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/event-endpoints', { body: { url: url.trim(), events } })),
    onSuccess: (created) => {
      onSecret(created.secret);
      setUrl('');
      void queryClient.invalidateQueries({ queryKey: ['event-endpoints'] });
      toast.success('Endpoint added');
    },
  });
  const urlError = add.error instanceof ApiError ? add.error.detail('url') : undefined;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <Field id="event-endpoint-url" label="URL" error={urlError} hint="https:// and a public address">
        <input
          id="event-endpoint-url"
          type="url"
          required
          placeholder="https://crm.example.com/callsense"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </Field>
      <fieldset>
        <legend>Event types</legend>
        <div className="checks">
          {EVENT_TYPES.map(({ type, help }) => (
            <label key={type}>
              <input
                type="checkbox"
                checked={events.includes(type)}
                onChange={(e) => setEvents(e.target.checked ? [...events, type] : events.filter((t) => t !== type))}
              />
              <code>{type}</code> <span className="muted">({help})</span>
            </label>
          ))}
        </div>
      </fieldset>
      {add.isError && !urlError ? <ErrorNote error={add.error} prefix="Could not add the endpoint" /> : null}
      <div className="actions">
        <button type="submit" disabled={add.isPending || events.length === 0}>
          <BusyIcon busy={add.isPending} icon={Plus} />
          Add endpoint
        </button>
      </div>
    </form>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const deliveries = useQuery({
    queryKey: ['event-deliveries', endpointId],
    queryFn: () =>
      unwrap(
        api.GET('/api/admin/event-endpoints/{id}/deliveries', {
          params: { path: { id: endpointId }, query: { limit: 20 } },
        }),
      ),
    // Deliveries move on their own (attempts, backoff): follow them while the page is open.
    refetchInterval: 3000,
  });
  const retry = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/admin/event-deliveries/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => {
      toast.success('Delivery sent again');
      void queryClient.invalidateQueries({ queryKey: ['event-deliveries', endpointId] });
    },
    onError: (error) => toast.error(`Could not retry: ${errorMessage(error)}`),
  });
  if (deliveries.isPending) return <Loading text="Loading deliveries…" />;
  if (deliveries.isError) return <ErrorNote error={deliveries.error} prefix="Could not load deliveries" />;
  if (deliveries.data.items.length === 0) return <Empty>No deliveries yet.</Empty>;
  return (
    <DataTable
      columns={['Event', 'Status', 'Attempts', 'Last answer', 'Last error', 'Created', 'Delivered', ACTIONS_COLUMN]}
    >
      {deliveries.data.items.map((d) => (
        <tr key={d.id}>
          <td>
            <code>{d.type}</code>
          </td>
          <td>
            <StatusBadge status={d.status} />
          </td>
          <td>{d.attempts}</td>
          <td>{d.lastStatusCode ?? '—'}</td>
          <td>{d.lastError ?? '—'}</td>
          <td>{formatDate(d.createdAt)}</td>
          <td>{formatDate(d.deliveredAt)}</td>
          <td>
            {d.status === 'failed' ? (
              <button
                type="button"
                className="secondary"
                disabled={retry.isPending}
                onClick={() => retry.mutate(d.id)}
                title={`Send again with the same webhook-id (${d.id})`}
              >
                Retry
              </button>
            ) : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function EndpointItem({ endpoint, onSecret }: { endpoint: Endpoint; onSecret(secret: string): void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const path = { params: { path: { id: endpoint.id } } };
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['event-endpoints'] });
    void queryClient.invalidateQueries({ queryKey: ['event-deliveries', endpoint.id] });
  };
  const fail = (what: string) => (error: unknown) => toast.error(`${what}: ${errorMessage(error)}`);
  const test = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/event-endpoints/{id}/test', path)),
    onSuccess: () => {
      toast.success('Test event sent');
      refresh();
    },
    onError: fail('Could not send a test event'),
  });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/event-endpoints/{id}/rotate-secret', path)),
    onSuccess: (answer) => {
      onSecret(answer.secret);
      toast.success('Secret rotated: deliveries are signed with the new one from now on');
    },
    onError: fail('Could not rotate the secret'),
  });
  const toggle = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/api/admin/event-endpoints/{id}', { ...path, body: { enabled: !endpoint.enabled } })),
    onSuccess: refresh,
    onError: fail('Could not change the endpoint'),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/admin/event-endpoints/{id}', path)),
    onSuccess: refresh,
    onError: fail('Could not delete the endpoint'),
  });
  const headingId = `endpoint-${endpoint.id}`;
  return (
    <section className="endpoint" aria-labelledby={headingId}>
      <h3 id={headingId} className="break">
        {endpoint.url}
      </h3>
      <p>
        <StatusBadge status={endpoint.enabled ? 'enabled' : 'disabled'} />{' '}
        {endpoint.events.map((type) => (
          <code key={type}>{type} </code>
        ))}
      </p>
      <div className="actions">
        <button type="button" disabled={test.isPending || !endpoint.enabled} onClick={() => test.mutate()}>
          <BusyIcon busy={test.isPending} icon={Send} />
          Send test event
        </button>
        <button type="button" className="secondary" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
          <BusyIcon busy={rotate.isPending} icon={RefreshCw} />
          Rotate secret
        </button>
        <button type="button" className="secondary" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        <Confirm
          title="Delete this endpoint?"
          description={`CallSense stops sending events to ${endpoint.url}, and its delivery history is deleted.`}
          confirmLabel="Delete endpoint"
          onConfirm={() => remove.mutate()}
        >
          <button type="button" className="danger">
            <Trash2 aria-hidden size={16} /> Delete
          </button>
        </Confirm>
      </div>
      <h4>Deliveries</h4>
      <Deliveries endpointId={endpoint.id} />
    </section>
  );
}

export function EventEndpoints() {
  const [secret, setSecret] = useState<string | null>(null);
  const endpoints = useQuery({
    queryKey: ['event-endpoints'],
    queryFn: () => unwrap(api.GET('/api/admin/event-endpoints')),
  });
  return (
    <Card id="event-endpoints" title="Event endpoints">
      <p className="muted">
        CallSense posts what it learns (analysed calls, lead analyses, scores) to these URLs, signed per the Standard
        Webhooks specification. Failed deliveries are retried for about a day.
      </p>
      {secret ? <SecretOnce secret={secret} onDone={() => setSecret(null)} /> : null}
      <AddEndpoint onSecret={setSecret} />
      {endpoints.isPending ? <Loading /> : null}
      {endpoints.isError ? <ErrorNote error={endpoints.error} prefix="Could not load the endpoints" /> : null}
      {endpoints.data?.map((endpoint) => (
        <EndpointItem key={endpoint.id} endpoint={endpoint} onSecret={setSecret} />
      ))}
    </Card>
  );
}
