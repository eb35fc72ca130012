// Argon2id with scrypt hashes upgraded on login; lean list reads (no transcripts loaded); the transcript bound.
import t from 'tap';
import { User } from '../../src/domain/accounts/user.entity.js';
import { Call } from '../../src/domain/calls/call.entity.js';
import { hashPasswordScrypt, verifyPassword } from '../../src/domain/accounts/password.js';
import { startStack } from '../support/harness.js';
import { as, deliverCall, signup } from '../support/api.js';
import { callPayload } from '../support/calls.js';

t.test('an old scrypt hash logs in and is stored as Argon2id afterwards', async (t) => {
  const stack = await startStack(t, { worker: false });
  const account = await signup(stack.app);
  const legacy = await hashPasswordScrypt('an-old-password');
  await stack.orm.em.fork().nativeUpdate(User, { id: account.user.id }, { passwordHash: legacy }, { filters: false });
  const login = (password: string) =>
    stack.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: account.user.email, password } });

  t.equal((await login('a-wrong-password')).statusCode, 401);
  const stored = async () =>
    (
      await stack.orm.em
        .fork()
        .findOneOrFail(User, { id: account.user.id }, { filters: false, populate: ['passwordHash'] })
    ).passwordHash;
  t.equal(await stored(), legacy, 'a failed login changes nothing');
  t.equal((await login('an-old-password')).statusCode, 200);
  const upgraded = await stored();
  t.match(upgraded, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  t.ok(await verifyPassword('an-old-password', upgraded));
  t.equal((await login('an-old-password')).statusCode, 200, 'and logs in with the new hash');
  t.equal(await stored(), upgraded, 'an Argon2id hash is not re-hashed');
});

t.test('GET /calls?limit=100 over 100 calls of ~1 MB does not load their transcripts', async (t) => {
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const api = as(stack.app, admin);
  const secret = (await api.get('/admin/webhook-secret')).json().webhookSecret;
  const res = await deliverCall(
    stack.app,
    admin.organization.id,
    secret,
    callPayload(admin.user.id, { callId: 'seed' }),
  );
  t.equal(res.statusCode, 202, res.body);
  // 99 more rows with ~1 MB transcripts, written by SQL (faster than 100 webhooks, same rows).
  await stack.orm.em.getConnection().execute(
    `insert into calls (id, organization_id, call_id, lead_id, user_id, transcript, status, workflow_id, created_at)
     select gen_random_uuid(), organization_id, 'bulk-' || n, lead_id, user_id, repeat('agent: hello there. ', 52429), 'queued', 'wf-' || n, now()
     from calls, generate_series(1, 99) n where id = ?`,
    [res.json().id],
  );
  await stack.orm.em
    .getConnection()
    .execute(`update calls set transcript = repeat('agent: hello there. ', 52429) where id = ?`, [res.json().id]);
  const list = () => api.get('/calls?limit=100');
  await list(); // warm-up: compiled code and caches are not what this measures

  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const page = await list();
  const after = process.memoryUsage().heapUsed;
  t.equal(page.statusCode, 200);
  t.equal(page.json().items.length, 100);
  t.notOk('transcript' in page.json().items[0], 'list items carry no transcript');
  const grownMb = (after - before) / 1024 / 1024;
  t.ok(grownMb < 20, `heap grew by ${grownMb.toFixed(1)} MB (< 20 MB; the transcripts alone are 100 MB)`);

  const one = await api.get(`/calls/${res.json().id}`);
  t.equal(one.statusCode, 200);
  t.equal(one.json().transcript.length, 20 * 52429, 'GET /calls/:id includes it');
  const row = await stack.orm.em.fork().findOneOrFail(Call, { id: res.json().id }, { filters: false });
  t.equal(
    Object.hasOwn(row, 'transcript') && typeof row.transcript === 'string',
    false,
    'the entity leaves it unloaded',
  );
});

t.test('a turn-list transcript is bounded by its total size', async (t) => {
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const secret = (await as(stack.app, admin).get('/admin/webhook-secret')).json().webhookSecret;
  const turns = (count: number, size: number) =>
    Array.from({ length: count }, () => ({ role: 'agent', content: 'x'.repeat(size) }));
  const big = await deliverCall(stack.app, admin.organization.id, secret, {
    ...callPayload(admin.user.id),
    transcript: turns(10, 90_000),
  });
  t.equal(big.statusCode, 400, 'ten 90k turns are 900k characters');
  t.match(big.json(), { statusCode: 400, details: { 'body.transcript': /500000/ } });
  const fits = await deliverCall(stack.app, admin.organization.id, secret, {
    ...callPayload(admin.user.id),
    transcript: turns(4, 90_000),
  });
  t.equal(fits.statusCode, 202, fits.body);
});
