// Admin → Users: the organization's users, add one, change a role, remove one (with confirmation).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Trash2, UserPlus } from 'lucide-react';
import { api, ApiError, errorMessage, unwrap } from '../api/client';
import type { User } from '../api/types';
import { useAuth } from '../auth';
import { Confirm } from '../components/confirm';
import { BusyIcon, Card, Empty, ErrorNote, Field, QueryState } from '../components/ui';
import { useToast } from '../components/toast';
import { AdminsOnly } from './admins-only';
import { ACTIONS_COLUMN, DataTable } from '../components/data-table';

type Role = 'user' | 'admin';
export const displayName = (u: Pick<User, 'email' | 'firstName' | 'lastName'>) =>
  [u.firstName, u.lastName].filter(Boolean).join(' ') || u.email;

export function useUsers(enabled = true) {
  return useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/admin/users')), enabled });
}

function AddUserForm() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const empty = { email: '', password: '', role: 'user' as Role, firstName: '', lastName: '' };
  const [form, setForm] = useState(empty);
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/admin/users', {
          body: {
            email: form.email,
            password: form.password,
            role: form.role,
            ...(form.firstName ? { firstName: form.firstName } : {}),
            ...(form.lastName ? { lastName: form.lastName } : {}),
          },
        }),
      ),
    onSuccess: (user) => {
      toast.success(`Added ${user.email}`);
      setForm(empty);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (error) => toast.error(`Could not add the user: ${errorMessage(error)}`),
  });
  const err = (f: string) => (add.error instanceof ApiError ? add.error.detail(f) : undefined);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <div className="grid-2">
        <Field id="new-email" label="New user email" error={err('email')}>
          <input
            id="new-email"
            type="email"
            required
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </Field>
        <Field id="new-password" label="Initial password" error={err('password')} hint="At least 8 characters.">
          <input
            id="new-password"
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </Field>
        <Field id="new-first" label="First name" error={err('firstName')}>
          <input
            id="new-first"
            value={form.firstName}
            onChange={(e) => setForm({ ...form, firstName: e.target.value })}
          />
        </Field>
        <Field id="new-last" label="Last name" error={err('lastName')}>
          <input id="new-last" value={form.lastName} onChange={(e) => setForm({ ...form, lastName: e.target.value })} />
        </Field>
        <Field id="new-role" label="Role" error={err('role')}>
          <select id="new-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </Field>
      </div>
      {add.isError && !Object.keys((add.error as ApiError).details ?? {}).length ? (
        <ErrorNote error={add.error} />
      ) : null}
      <div className="actions">
        <button type="submit" disabled={add.isPending}>
          <BusyIcon busy={add.isPending} icon={UserPlus} /> Add user
        </button>
      </div>
    </form>
  );
}

function UsersTable() {
  const { me } = useAuth();
  const toast = useToast();
  const queryClient = useQueryClient();
  const users = useUsers();
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      unwrap(api.PATCH('/api/admin/users/{userId}', { params: { path: { userId } }, body: { role } })),
    onSuccess: () => {
      toast.success('Role changed');
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (error) => toast.error(`Could not change the role: ${errorMessage(error)}`),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => unwrap(api.DELETE('/api/admin/users/{userId}', { params: { path: { userId } } })),
    onSuccess: () => {
      toast.success('User removed');
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (error) => toast.error(`Could not remove the user: ${errorMessage(error)}`),
  });
  if (!users.isSuccess) return <QueryState query={users} loading="Loading users…" failed="Could not load users" />;
  if (users.data.length === 0) return <Empty>No users yet — add one below.</Empty>;
  return (
    <DataTable columns={['Name', 'Email', 'Role', ACTIONS_COLUMN]}>
      {users.data.map((u) => (
        <tr key={u.id}>
          <td>{displayName(u)}</td>
          <td>{u.email}</td>
          <td>
            <select
              aria-label={`Role of ${u.email}`}
              value={u.role}
              disabled={u.id === me?.id || changeRole.isPending}
              onChange={(e) => changeRole.mutate({ userId: u.id, role: e.target.value as Role })}
            >
              <option value="user">user</option>
              <option value="admin">admin</option>
            </select>
          </td>
          <td>
            {u.id === me?.id ? (
              <span className="muted">you</span>
            ) : (
              <Confirm
                title={`Remove ${u.email}?`}
                description="Their calls and leads stay in the organization; their leads become unassigned."
                confirmLabel="Remove"
                onConfirm={() => remove.mutate(u.id)}
              >
                <button type="button" className="danger small" aria-label={`Remove ${u.email}`}>
                  <Trash2 aria-hidden size={14} /> Remove
                </button>
              </Confirm>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function UsersPage() {
  return (
    <AdminsOnly>
      <h1>Users</h1>
      <Card id="users-list" title="Organization users">
        <UsersTable />
      </Card>
      <Card id="users-add" title="Add a user">
        <AddUserForm />
      </Card>
    </AdminsOnly>
  );
}
