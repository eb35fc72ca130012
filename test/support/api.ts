// Small clients for tests: sign up, log in, create users, call routes with a token, sign webhooks.
import { randomUUID } from 'node:crypto';
import type { App } from '../../src/api/app.js';
import { signWebhook } from '../../src/domain/webhooks/signature.js';

export interface Account {
  token: string;
  user: {
    id: string;
    email: string;
    role: 'user' | 'admin';
    organizationId: string;
    firstName: string | null;
    lastName: string | null;
  };
  organization: { id: string; name: string };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Calls the API as one account: its token on every request, paths relative to `base` (default `/api`).
 * `request` takes the method as a value, for tests that walk a table of routes.
 */
export function as(app: App, account: Account, base = '/api') {
  const request = (method: Method, url: string, payload?: unknown) =>
    app.inject({
      method,
      url: `${base}${url}`,
      headers: bearer(account.token),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return {
    request,
    get: (url: string) => request('GET', url),
    post: (url: string, body?: unknown) => request('POST', url, body),
    put: (url: string, body?: unknown) => request('PUT', url, body),
    patch: (url: string, body?: unknown) => request('PATCH', url, body),
    delete: (url: string) => request('DELETE', url),
  };
}

export async function signup(
  app: App,
  overrides: Partial<{ organizationName: string; email: string; password: string }> = {},
): Promise<Account> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: {
      organizationName: `Org ${randomUUID().slice(0, 8)}`,
      email: `admin-${randomUUID()}@example.com`,
      password: 'correct-horse-battery',
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Creates a user in the admin's organization and logs them in. */
export async function addUser(
  app: App,
  admin: Account,
  overrides: Partial<{ email: string; role: 'user' | 'admin' }> = {},
): Promise<Account> {
  const email = overrides.email ?? `user-${randomUUID()}@example.com`;
  const password = 'correct-horse-battery';
  const created = await as(app, admin).post('/admin/users', { email, password, role: overrides.role ?? 'user' });
  if (created.statusCode !== 201) throw new Error(`create user failed: ${created.statusCode} ${created.body}`);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  return { ...login.json(), organization: admin.organization };
}

export async function webhookSecretOf(app: App, admin: Account): Promise<string> {
  const res = await as(app, admin).get('/admin/webhook-secret');
  if (res.statusCode !== 200) throw new Error(`webhook secret failed: ${res.statusCode} ${res.body}`);
  return res.json().webhookSecret;
}

/** Posts `raw` as JSON to the organization's webhook route of one source, with the source's own headers. */
export function postWebhook(
  app: App,
  source: 'calls' | 'retell' | 'vapi',
  organizationId: string,
  raw: string,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: `/api/webhooks/${source}/${organizationId}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: raw,
  });
}

/** The headers that sign a call webhook: the timestamp (seconds, now by default) and the HMAC over it and `raw`. */
export const callSignatureHeaders = (secret: string, raw: string, timestamp = Math.floor(Date.now() / 1000)) => ({
  'x-callsense-timestamp': String(timestamp),
  'x-callsense-signature': signWebhook(secret, timestamp, raw),
});

/** Posts a signed call webhook the way a provider does. */
export async function deliverCall(
  app: App,
  organizationId: string,
  secret: string,
  body: unknown,
  options: { timestamp?: number } = {},
) {
  const raw = JSON.stringify(body);
  return postWebhook(app, 'calls', organizationId, raw, callSignatureHeaders(secret, raw, options.timestamp));
}
