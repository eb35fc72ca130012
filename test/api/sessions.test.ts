// Sessions that end before their tokens expire (logout, password change), and failed logins counted in PostgreSQL:
// shared by every API process and surviving restarts, with blocks that grow.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { startStack } from '../support/harness.js';
import { as, bearer, signup } from '../support/api.js';
import { createApi } from '../../src/api/server.js';
import type { App } from '../../src/api/app.js';

const login = (app: App, email: string, password: string, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password } });
const me = (app: App, token: string) => app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });

t.test('logout ends that token at once, and only that one', async (t) => {
  const { app } = await startStack(t, { worker: false });
  const account = await signup(app, { password: 'correct-horse-battery' });
  const second = (await login(app, account.user.email, 'correct-horse-battery')).json().token as string;

  const out = await as(app, account).post('/auth/logout');
  t.equal(out.statusCode, 204);
  t.equal(out.body, '');
  const after = await me(app, account.token);
  t.equal(after.statusCode, 401, 'the logged-out token stops working');
  t.match(after.json(), { statusCode: 401, error: 'Unauthorized' });
  t.equal((await as(app, account).post('/auth/logout')).statusCode, 401, 'and cannot log out again');
  t.equal((await me(app, second)).statusCode, 200, 'another session of the same user goes on');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode, 401, 'no token');
});

t.test('a password change ends every other token of that user', async (t) => {
  const { app } = await startStack(t, { worker: false });
  const account = await signup(app, { password: 'correct-horse-battery' });
  const other = (await login(app, account.user.email, 'correct-horse-battery')).json().token as string;
  const colleague = await signup(app);
  const api = as(app, account);

  const wrong = await api.post('/auth/password', { currentPassword: 'not-it-at-all', newPassword: 'a-new-password' });
  t.equal(wrong.statusCode, 400);
  t.match(wrong.json(), {
    message: /currentPassword is not your current password/,
    details: { 'body.currentPassword': String },
  });
  const short = await api.post('/auth/password', { currentPassword: 'correct-horse-battery', newPassword: 'short' });
  t.equal(short.statusCode, 400);
  t.match(short.json(), { details: { 'body.newPassword': String } });
  t.equal((await me(app, other)).statusCode, 200, 'refused changes end nothing');

  const changed = await api.post('/auth/password', {
    currentPassword: 'correct-horse-battery',
    newPassword: 'a-new-password',
  });
  t.equal(changed.statusCode, 204, changed.body);
  t.equal((await me(app, account.token)).statusCode, 200, 'the token that changed it goes on');
  t.equal((await me(app, other)).statusCode, 401, 'every other token stops at once');
  t.equal((await me(app, colleague.token)).statusCode, 200, "other users' tokens are untouched");
  t.equal((await login(app, account.user.email, 'correct-horse-battery')).statusCode, 401, 'the old password');
  const fresh = await login(app, account.user.email, 'a-new-password');
  t.equal(fresh.statusCode, 200);
  t.equal((await me(app, fresh.json().token)).statusCode, 200, 'a token issued after the change works');

  // Changed again from the fresh token: the one that made the first change is now an "other" token too.
  const again = await as(app, { ...account, token: fresh.json().token }).post('/auth/password', {
    currentPassword: 'a-new-password',
    newPassword: 'a-third-password',
  });
  t.equal(again.statusCode, 204);
  t.equal((await me(app, account.token)).statusCode, 401);
  t.equal((await me(app, fresh.json().token)).statusCode, 200);
});

t.test('failed logins: counted in PostgreSQL, shared by processes, surviving restarts, growing', async (t) => {
  const stack = await startStack(t, { worker: false, loginRateLimit: 10, loginAddressRateLimit: 10 });
  const addresses = { databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress };
  const limits = { loginRateLimit: 10, loginAddressRateLimit: 10, signupRateLimit: 100_000 };
  const another = async () => {
    const api = await createApi(stack.config, addresses, { orm: stack.orm, logger: false, limits });
    t.teardown(() => api.close());
    return api;
  };
  const second = await another();
  const account = await signup(stack.app, { password: 'correct-horse-battery' });
  const { email } = account.user;

  // Ten failures split over two API processes, each from its own address: the account is blocked in both.
  for (let i = 0; i < 5; i++) t.equal((await login(stack.app, email, 'wrong-guess', `10.4.0.${i}`)).statusCode, 401);
  for (let i = 5; i < 10; i++) t.equal((await login(second.app, email, 'wrong-guess', `10.4.0.${i}`)).statusCode, 401);
  const blocked = await login(stack.app, email, 'correct-horse-battery', '10.4.1.1');
  t.equal(blocked.statusCode, 429, 'the 11th attempt, even with the right password');
  t.match(blocked.json(), { statusCode: 429, error: 'Too Many Requests', message: /try again in \d+ s/ });
  const firstBlock = Number(blocked.headers['retry-after']);
  t.ok(firstBlock > 0 && firstBlock <= 60, `Retry-After ${firstBlock}`);

  // A restarted process (a new app on the same database) still refuses.
  const restarted = await another();
  t.equal((await login(restarted.app, email, 'correct-horse-battery', '10.4.1.2')).statusCode, 429);

  // Once the block is over, the next ten failures block for longer.
  await stack.orm.em.getConnection().execute("update login_failures set blocked_until = now() - interval '1 second'");
  for (let i = 0; i < 10; i++) {
    t.equal((await login(stack.app, email, 'wrong-guess', `10.4.3.${i}`)).statusCode, 401, 'the block ended');
  }
  const longer = await login(stack.app, email, 'correct-horse-battery', '10.4.4.1');
  t.equal(longer.statusCode, 429);
  t.ok(Number(longer.headers['retry-after']) > 60, `the second block is longer (${longer.headers['retry-after']} s)`);
  await stack.orm.em.getConnection().execute("update login_failures set blocked_until = now() - interval '1 second'");
  t.equal((await login(stack.app, email, 'correct-horse-battery', '10.4.6.1')).statusCode, 200, 'then it ends');

  // Per address: ten failures over ten accounts from one address block that address, not the accounts.
  for (let i = 0; i < 10; i++) {
    t.equal((await login(stack.app, `nobody-${randomUUID()}@example.com`, 'x', '10.4.5.5')).statusCode, 401);
  }
  t.equal((await login(stack.app, `nobody-${randomUUID()}@example.com`, 'x', '10.4.5.5')).statusCode, 429);
  t.equal((await login(second.app, `nobody-${randomUUID()}@example.com`, 'x', '10.4.5.6')).statusCode, 401);
});
