// One provider's integration (Retell or Vapi): credentials, the default user, per-agent users, and the
// webhook URL to paste into the provider. The credential is write-only: only its last 4 characters show.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { api, ApiError, errorMessage, unwrap } from '../api/client';
import type { RetellIntegration, User, VapiIntegration } from '../api/types';
import { Confirm } from '../components/confirm';
import { BusyIcon, Card, ErrorNote, Field, Loading } from '../components/ui';
import { useToast } from '../components/toast';
import { displayName, useUsers } from './users';

type Provider = 'retell' | 'vapi';
const TEXT = {
  retell: { title: 'Retell', secret: 'Retell API key', agent: 'Agent ID', last4: 'apiKeyLast4' as const },
  vapi: { title: 'Vapi', secret: 'Vapi server secret', agent: 'Assistant ID', last4: 'secretLast4' as const },
};

function load(provider: Provider): Promise<RetellIntegration | VapiIntegration> {
  return provider === 'retell'
    ? unwrap(api.GET('/api/admin/integrations/retell'))
    : unwrap(api.GET('/api/admin/integrations/vapi'));
}

/** A user picker's options: a prompt to choose, then the organization's users. */
function UserOptions({ users }: { users: User[] | undefined }) {
  return (
    <>
      <option value="">Choose a user…</option>
      {users?.map((u) => (
        <option key={u.id} value={u.id}>
          {displayName(u)}
        </option>
      ))}
    </>
  );
}

export function ProviderSection({ provider, organizationId }: { provider: Provider; organizationId: string }) {
  const text = TEXT[provider];
  const toast = useToast();
  const queryClient = useQueryClient();
  const users = useUsers();
  const current = useQuery({ queryKey: ['integration', provider], queryFn: () => load(provider), retry: false });
  const [secret, setSecret] = useState('');
  const [defaultUserId, setDefaultUserId] = useState<string | null>(null);
  const [rows, setRows] = useState<{ key: string; userId: string }[] | null>(null);

  const saved = current.data;
  const savedMap =
    (saved &&
      ('agentUsers' in saved ? saved.agentUsers : 'assistantUsers' in saved ? saved.assistantUsers : undefined)) ??
    {};
  const mapping = rows ?? Object.entries(savedMap).map(([key, userId]) => ({ key, userId }));
  const chosenDefault = defaultUserId ?? saved?.defaultUserId ?? '';

  const save = useMutation({
    mutationFn: (): Promise<RetellIntegration | VapiIntegration> => {
      const map = Object.fromEntries(
        mapping.filter((r) => r.key.trim() && r.userId).map((r) => [r.key.trim(), r.userId]),
      );
      return provider === 'retell'
        ? unwrap(
            api.PUT('/api/admin/integrations/retell', {
              body: { apiKey: secret, defaultUserId: chosenDefault, agentUsers: map },
            }),
          )
        : unwrap(
            api.PUT('/api/admin/integrations/vapi', {
              body: { secret, defaultUserId: chosenDefault, assistantUsers: map },
            }),
          );
    },
    onSuccess: (answer) => {
      queryClient.setQueryData(['integration', provider], answer);
      setSecret('');
      setRows(null);
      setDefaultUserId(null);
      toast.success(`${text.title} settings saved`);
    },
    onError: (error) => toast.error(`Could not save the ${text.title} settings: ${errorMessage(error)}`),
  });
  const disconnect = useMutation({
    mutationFn: () =>
      provider === 'retell'
        ? unwrap(api.DELETE('/api/admin/integrations/retell'))
        : unwrap(api.DELETE('/api/admin/integrations/vapi')),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['integration', provider] });
      toast.success(`${text.title} disconnected`);
    },
    onError: (error) => toast.error(`Could not disconnect ${text.title}: ${errorMessage(error)}`),
  });

  const err = (f: string) => (save.error instanceof ApiError ? save.error.detail(f) : undefined);
  const id = (f: string) => `${provider}-${f}`;
  const fallbackUrl = `${window.location.origin}/api/webhooks/${provider}/${organizationId}`;
  const last4 = saved ? (saved as unknown as Record<string, string | null | undefined>)[text.last4] : undefined;

  return (
    <Card id={id('heading')} title={text.title}>
      {current.isPending ? <Loading /> : null}
      {current.isError ? <ErrorNote error={current.error} prefix={`${text.title} settings are not available`} /> : null}
      <p>
        Webhook URL: <code className="break">{saved?.webhookUrl ?? fallbackUrl}</code>
      </p>
      <p className="muted">
        {saved?.configured ? `Connected (credential ending in ${last4 ?? '····'}).` : 'Not connected yet.'}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="grid-2">
          <Field id={id('secret')} label={text.secret} error={err(provider === 'retell' ? 'apiKey' : 'secret')}>
            <input
              id={id('secret')}
              type="password"
              required
              autoComplete="off"
              value={secret}
              placeholder={last4 ? `····${last4} (enter again to change)` : ''}
              onChange={(e) => setSecret(e.target.value)}
            />
          </Field>
          <Field id={id('default')} label={`${text.title} default user`} error={err('defaultUserId')}>
            <select
              id={id('default')}
              required
              value={chosenDefault}
              onChange={(e) => setDefaultUserId(e.target.value)}
            >
              <UserOptions users={users.data} />
            </select>
          </Field>
        </div>
        <fieldset>
          <legend>{text.agent} → user</legend>
          {mapping.length === 0 ? (
            <p className="muted">
              Calls of every {text.agent.toLowerCase().replace(' id', '')} go to the default user.
            </p>
          ) : null}
          {mapping.map((row, i) => (
            <div className="row" key={i}>
              <input
                aria-label={`${text.title} ${text.agent} ${i + 1}`}
                value={row.key}
                onChange={(e) => setRows(mapping.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
              />
              <select
                aria-label={`${text.title} user for row ${i + 1}`}
                value={row.userId}
                onChange={(e) => setRows(mapping.map((r, j) => (j === i ? { ...r, userId: e.target.value } : r)))}
              >
                <UserOptions users={users.data} />
              </select>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${text.title} row ${i + 1}`}
                onClick={() => setRows(mapping.filter((_, j) => j !== i))}
              >
                <Trash2 aria-hidden size={14} />
              </button>
            </div>
          ))}
          <button
            type="button"
            className="secondary small"
            onClick={() => setRows([...mapping, { key: '', userId: '' }])}
          >
            <Plus aria-hidden size={14} /> Add {text.agent.replace(' ID', '').toLowerCase()}
          </button>
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            <BusyIcon busy={save.isPending} /> Save {text.title} settings
          </button>
          {saved?.configured ? (
            <Confirm
              title={`Disconnect ${text.title}?`}
              description={`Webhooks from ${text.title} will be refused until it is connected again.`}
              confirmLabel="Disconnect"
              onConfirm={() => disconnect.mutate()}
            >
              <button type="button" className="danger">
                Disconnect {text.title}
              </button>
            </Confirm>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
