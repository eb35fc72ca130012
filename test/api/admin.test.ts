// Users of the admin's own organization and the webhook secret.
import t from 'tap';
import { openWebhookSecret } from '../../src/domain/accounts/webhook-secret-sealing.js';
import { randomUUID } from 'node:crypto';
import { Organization } from '../../src/domain/accounts/organization.entity.js';
import { User } from '../../src/domain/accounts/user.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { startStack } from '../support/harness.js';
import { addUser, as, signup } from '../support/api.js';

t.test('admin users', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { app } = stack;
  const admin = await signup(app);
  const otherOrg = await signup(app);
  await addUser(app, otherOrg);
  const api = as(app, admin);

  const email = `Rep-${randomUUID()}@Example.com`;
  const created = await api.post('/admin/users', {
    email,
    password: 'long-enough',
    role: 'user',
    firstName: 'Rep',
    lastName: 'One',
  });
  t.equal(created.statusCode, 201, created.body);
  const rep = created.json();
  t.same(rep, {
    id: rep.id,
    email: email.toLowerCase(),
    firstName: 'Rep',
    lastName: 'One',
    role: 'user',
    organizationId: admin.organization.id,
    openai_individual_prompt_id: null,
    openai_complete_prompt_id: null,
  });
  t.notMatch(created.body, /password|hash/i);
  const row = await tenantEm(stack.orm.em, admin.organization.id).findOne(User, { id: rep.id });
  t.equal(row?.role, 'user', "stored in the admin's organization");

  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'long-enough' },
  });
  t.equal(login.statusCode, 200, 'the new user can log in');

  const list = await api.get('/admin/users');
  t.equal(list.statusCode, 200);
  t.same(
    list.json().map((u: { id: string }) => u.id),
    [admin.user.id, rep.id],
    "only this organization's users, oldest first",
  );
  t.notMatch(list.body, /password|hash/i);

  const duplicate = await api.post('/admin/users', {
    email: otherOrg.user.email,
    password: 'long-enough',
    role: 'user',
  });
  t.equal(duplicate.statusCode, 409, 'emails are unique across organizations');
  t.match(duplicate.json(), { statusCode: 409, error: 'Conflict' });

  const invalid = await api.post('/admin/users', {
    email: 'x@example.com',
    password: 'short',
    role: 'owner',
    extra: 1,
  });
  t.equal(invalid.statusCode, 400);
  t.match(invalid.json().details, {
    'body.password': String,
    'body.role': String,
    'body.extra': 'is not an accepted field',
  });
  t.equal(
    await tenantEm(stack.orm.em, admin.organization.id).count(User, {}),
    2,
    'nothing created by the refused requests',
  );
});

t.test('admin routes need a token (401) and the admin role (403)', async (t) => {
  const { app } = await startStack(t, { worker: false });
  const admin = await signup(app);
  const rep = await addUser(app, admin);
  const routes = [
    { method: 'GET', url: '/api/admin/users' },
    {
      method: 'POST',
      url: '/api/admin/users',
      payload: { email: `x-${randomUUID()}@example.com`, password: 'long-enough', role: 'admin' },
    },
    { method: 'GET', url: '/api/admin/webhook-secret' },
    { method: 'POST', url: '/api/admin/webhook-secret/rotate' },
  ] as const;
  for (const route of routes) {
    const anonymous = await app.inject({ ...route });
    t.equal(anonymous.statusCode, 401, `${route.method} ${route.url} without a token`);
    const asUser = await as(app, rep, '').request(
      route.method,
      route.url,
      'payload' in route ? route.payload : undefined,
    );
    t.equal(asUser.statusCode, 403, `${route.method} ${route.url} as a user`);
    t.same(asUser.json(), { statusCode: 403, error: 'Forbidden', message: 'This action requires the admin role' });
  }
  const list = await as(app, admin).get('/admin/users');
  t.equal(list.json().length, 2, 'the user could not create an account');
});

t.test('webhook secret', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { app } = stack;
  const admin = await signup(app);
  const other = await signup(app);
  const api = as(app, admin);

  const first = await api.get('/admin/webhook-secret');
  t.equal(first.statusCode, 200);
  t.match(first.json(), { webhookSecret: /^whsec_/ });

  const rotated = await api.post('/admin/webhook-secret/rotate');
  t.equal(rotated.statusCode, 200);
  t.not(rotated.json().webhookSecret, first.json().webhookSecret);
  const now = await api.get('/admin/webhook-secret');
  t.equal(now.json().webhookSecret, rotated.json().webhookSecret);

  const otherOrg = await tenantEm(stack.orm.em, other.organization.id).findOneOrFail(
    Organization,
    { id: other.organization.id },
    { fields: ['id', 'webhookSecret'] },
  );
  const otherSecret = await as(app, other).get('/admin/webhook-secret');
  const otherStored = openWebhookSecret(stack.config.encryption, other.organization.id, otherOrg.webhookSecret);
  t.equal(otherSecret.json().webhookSecret, otherStored, "the other organization's secret did not rotate");
  t.not(otherStored, rotated.json().webhookSecret);

  const me = await api.get('/auth/me');
  t.notMatch(me.body, /whsec_/, 'the secret is not part of other answers');
});
