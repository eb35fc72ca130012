// Signup, login, me, and every way a token can be wrong (401).
import t from 'tap';
import { createHmac, randomUUID } from 'node:crypto';
import { User } from '../../src/domain/accounts/user.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { startStack } from '../support/harness.js';
import { addUser, as, bearer, signup } from '../support/api.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT built by hand, so the test controls header, claims and signature. No secret: alg none, empty signature. */
function handmadeToken(header: Record<string, unknown>, claims: Record<string, unknown>, secret?: string) {
  const data = `${b64(header)}.${b64(claims)}`;
  return `${data}.${secret ? createHmac('sha256', secret).update(data).digest('base64url') : ''}`;
}

const now = () => Math.floor(Date.now() / 1000);

t.test('signup, login and me', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { app } = stack;
  const email = `Founder-${randomUUID()}@Example.com`;

  const created = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { organizationName: 'Acme', email, password: 'long-enough', firstName: 'Ada' },
  });
  t.equal(created.statusCode, 201, created.body);
  const account = created.json();
  t.same(Object.keys(account).sort(), ['organization', 'token', 'user']);
  t.same(account.user, {
    id: account.user.id,
    email: email.toLowerCase(),
    firstName: 'Ada',
    lastName: null,
    role: 'admin',
    organizationId: account.organization.id,
    openai_individual_prompt_id: null,
    openai_complete_prompt_id: null,
  });
  t.same(account.organization, { id: account.user.organizationId, name: 'Acme' });
  t.notMatch(created.body, /password|hash|scrypt/i, 'no password material in the answer');

  const me = await as(app, account).get('/auth/me');
  t.equal(me.statusCode, 200);
  // The user object, plus its organization (the console marks a demo organization).
  t.same(me.json(), { ...account.user, organization: { id: account.user.organizationId, name: 'Acme', demo: false } });

  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'long-enough' },
  });
  t.equal(login.statusCode, 200, login.body);
  t.same(login.json().user, account.user);
  t.notMatch(login.body, /password|hash|scrypt/i);
  const again = await as(app, login.json()).get('/auth/me');
  t.equal(again.json().id, account.user.id, 'the login token works');

  const stored = await tenantEm(stack.orm.em, account.organization.id).findOneOrFail(
    User,
    { id: account.user.id },
    { populate: ['passwordHash'] },
  );
  t.match(stored.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'the password is stored hashed with Argon2id');
  t.notMatch(stored.passwordHash, /long-enough/);
});

t.test('signup answers 409 and 400', async (t) => {
  const { app } = await startStack(t, { worker: false });
  const first = await signup(app);

  const duplicate = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { organizationName: 'Other', email: first.user.email.toUpperCase(), password: 'long-enough' },
  });
  t.equal(duplicate.statusCode, 409);
  t.same(duplicate.json(), {
    statusCode: 409,
    error: 'Conflict',
    message: 'An account with this email already exists',
  });

  const short = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { organizationName: 'Short', email: `s-${randomUUID()}@example.com`, password: 'short' },
  });
  t.equal(short.statusCode, 400);
  t.match(short.json(), { statusCode: 400, error: 'Bad Request', details: { 'body.password': /8/ } });

  const unknown = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { organizationName: 'X', email: `u-${randomUUID()}@example.com`, password: 'long-enough', role: 'admin' },
  });
  t.equal(unknown.statusCode, 400, 'unknown fields are rejected, not ignored');
  t.match(unknown.json().details, { 'body.role': 'is not an accepted field' });

  const missing = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: 'not-an-email', password: 'long-enough' },
  });
  t.equal(missing.statusCode, 400);
  t.match(missing.json().details, { 'body.organizationName': String, 'body.email': String });
});

t.test('login failures look alike', async (t) => {
  const { app } = await startStack(t, { worker: false });
  const account = await signup(app, { password: 'the-right-one' });
  const wrongPassword = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: account.user.email, password: 'the-wrong-one' },
  });
  const unknownEmail = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: `nobody-${randomUUID()}@example.com`, password: 'the-right-one' },
  });
  t.equal(wrongPassword.statusCode, 401);
  t.equal(unknownEmail.statusCode, 401);
  t.same(wrongPassword.json(), { statusCode: 401, error: 'Unauthorized', message: 'Invalid email or password' });
  t.same(unknownEmail.json(), wrongPassword.json(), 'same answer for a wrong email and a wrong password');
  const bad = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: account.user.email } });
  t.equal(bad.statusCode, 400);
});

t.test('failed logins of one account are limited, even for the right password', async (t) => {
  const { app } = await startStack(t, { worker: false, loginRateLimit: 3 });
  const account = await signup(app, { password: 'the-right-one' });
  const attempt = (email: string, password = 'the-wrong-one') =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  for (let i = 0; i < 3; i++) t.equal((await attempt(account.user.email)).statusCode, 401);
  const limited = await attempt(account.user.email, 'the-right-one');
  t.equal(limited.statusCode, 429, 'the 4th attempt within a minute is refused, even with the right password');
  t.match(limited.json(), { statusCode: 429, error: 'Too Many Requests', message: String });
  t.equal((await attempt(`other-${randomUUID()}@example.com`)).statusCode, 401, 'another email has its own budget');
});

t.test('the body size is limited', async (t) => {
  const { app } = await startStack(t, { worker: false });
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'a@example.com', password: 'x'.repeat(1024 * 1024 + 10) },
  });
  t.equal(res.statusCode, 413);
  t.match(res.json(), { statusCode: 413, error: 'Payload Too Large' });
});

t.test('forged, expired and stale tokens are 401', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { app } = stack;
  const secret = stack.config.jwt.secret;
  const admin = await signup(app);
  const rep = await addUser(app, admin);
  const valid = {
    sub: admin.user.id,
    org: admin.organization.id,
    role: 'admin',
    jti: randomUUID(),
    tv: 0,
    iat: now(),
    exp: now() + 600,
  };
  const hs256 = { alg: 'HS256', typ: 'JWT' };

  const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/auth/me', headers });
  t.equal(
    (await me(bearer(handmadeToken(hs256, valid, secret)))).statusCode,
    200,
    'a correct handmade token is accepted (the forgeries below differ in one thing)',
  );

  const other = await signup(app);
  const cases: Record<string, string> = {
    'alg none': handmadeToken({ alg: 'none', typ: 'JWT' }, valid),
    'alg none with a signature': handmadeToken({ alg: 'none', typ: 'JWT' }, valid, secret),
    'HS512 with the right secret': (() => {
      const data = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(valid)}`;
      return `${data}.${createHmac('sha512', secret).update(data).digest('base64url')}`;
    })(),
    'wrong secret': handmadeToken(hs256, valid, 'not-the-secret'),
    'tampered claims': (() => {
      const [h, , s] = handmadeToken(hs256, valid, secret).split('.');
      return `${h}.${b64({ ...valid, role: 'admin', sub: rep.user.id })}x.${s}`;
    })(),
    expired: handmadeToken(hs256, { ...valid, iat: now() - 7200, exp: now() - 3600 }, secret),
    'no exp': handmadeToken(hs256, { sub: valid.sub, org: valid.org, role: 'admin' }, secret),
    'no sub': handmadeToken(hs256, { org: valid.org, role: 'admin', exp: valid.exp }, secret),
    'no org': handmadeToken(hs256, { sub: valid.sub, role: 'admin', exp: valid.exp }, secret),
    'no role': handmadeToken(hs256, { sub: valid.sub, org: valid.org, exp: valid.exp }, secret),
    'unknown role': handmadeToken(hs256, { ...valid, role: 'root' }, secret),
    'no jti (could not be revoked)': handmadeToken(hs256, { ...valid, jti: undefined }, secret),
    'jti not a uuid': handmadeToken(hs256, { ...valid, jti: 'abc' }, secret),
    'no token version': handmadeToken(hs256, { ...valid, tv: undefined }, secret),
    'an older token version': handmadeToken(hs256, { ...valid, tv: -1 }, secret),
    'a newer token version': handmadeToken(hs256, { ...valid, tv: 1 }, secret),
    'sub not a uuid': handmadeToken(hs256, { ...valid, sub: 'admin' }, secret),
    'org of another organization': handmadeToken(hs256, { ...valid, org: other.organization.id }, secret),
    'unknown user': handmadeToken(hs256, { ...valid, sub: randomUUID() }, secret),
    garbage: 'not.a.jwt',
  };
  for (const [name, token] of Object.entries(cases)) {
    const res = await me(bearer(token));
    t.equal(res.statusCode, 401, name);
    t.match(res.json(), { statusCode: 401, error: 'Unauthorized', message: String }, `${name}: the error shape`);
  }
  t.match((await me(bearer(cases.expired!))).json().message, /expired/);

  const missing = await me({});
  t.equal(missing.statusCode, 401);
  t.match(missing.json().message, /Authorization/);
  t.equal(
    (await me({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })).statusCode,
    401,
    'not a bearer token',
  );

  // A user deleted after the token was issued.
  await tenantEm(stack.orm.em, admin.organization.id).nativeDelete(User, { id: rep.user.id });
  t.equal((await me(bearer(rep.token))).statusCode, 401, 'deleted user');

  // The database, not the token, decides the role: a `user` claiming admin is still a user.
  const rep2 = await addUser(app, admin);
  const promoted = handmadeToken(
    hs256,
    { sub: rep2.user.id, org: admin.organization.id, role: 'admin', jti: randomUUID(), tv: 0, exp: now() + 600 },
    secret,
  );
  t.equal((await app.inject({ method: 'GET', url: '/api/admin/users', headers: bearer(promoted) })).statusCode, 403);
});
