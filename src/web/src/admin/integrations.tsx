// Admin → Integrations (loaded on demand): the organization's default prompts; pick a user and manage their prompts; configure Retell and Vapi
// (with the webhook URLs to paste into each provider); see and rotate the organization's webhook secret.
import { useState } from 'react';
import { Plug } from 'lucide-react';
import { useAuth } from '../auth';
import { PromptForm } from '../components/prompt-form';
import { PromptHistory } from '../components/prompt-history';
import { Card, Field, QueryState } from '../components/ui';
import { AdminsOnly } from './admins-only';
import { displayName, useUsers } from './users';
import { ProviderSection } from './provider-section';
import { WebhookSecret } from './webhook-secret';
import { TestCallCard } from './test-call';
import { UsageCard } from './usage-card';
import { EventEndpoints } from './event-endpoints';

function UserPrompts() {
  const users = useUsers();
  const [userId, setUserId] = useState('');
  if (!users.isSuccess) return <QueryState query={users} loading="Loading users…" failed="Could not load users" />;
  const user = users.data.find((u) => u.id === userId);
  return (
    <>
      <Field id="integration-user" label="User">
        <select id="integration-user" value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">Choose a user…</option>
          {users.data.map((u) => (
            <option key={u.id} value={u.id}>
              {displayName(u) === u.email ? u.email : `${displayName(u)} (${u.email})`}
            </option>
          ))}
        </select>
      </Field>
      {user ? (
        <>
          <p className="user-info">
            <strong>{displayName(user)}</strong>
            {displayName(user) === user.email ? '' : ` · ${user.email}`} · {user.role}
          </p>
          <PromptForm key={user.id} target={{ kind: 'user', userId: user.id }} owner={user.email} />
          <h3>History</h3>
          <PromptHistory key={`h-${user.id}`} target={{ kind: 'user', userId: user.id }} />
        </>
      ) : (
        <p className="muted">Choose a user to see and change the prompts that analyse their calls.</p>
      )}
    </>
  );
}

export default function IntegrationsPage() {
  const { me } = useAuth();
  return (
    <AdminsOnly>
      <h1>
        <Plug aria-hidden size={22} /> Integrations
      </h1>
      <Card id="org-defaults" title="Organization defaults">
        <p className="muted">The prompts that run for every user without a prompt of their own.</p>
        <PromptForm target={{ kind: 'organization' }} />
      </Card>
      <Card id="user-prompts" title="OpenAI Prompts Configuration">
        <UserPrompts />
      </Card>
      <ProviderSection provider="retell" organizationId={me?.organizationId ?? ''} />
      <ProviderSection provider="vapi" organizationId={me?.organizationId ?? ''} />
      <WebhookSecret organizationId={me?.organizationId ?? ''} />
      <TestCallCard />
      <UsageCard />
      <EventEndpoints />
    </AdminsOnly>
  );
}
