// Abuse limits: OpenAI-spending routes per user, webhooks per organization (after the signature), login per
// address and per account, signup mode. Over a limit: 429 with Retry-After in the usual error shape.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { startStack } from '../support/harness.js';
import { addUser, as, deliverCall, signup } from '../support/api.js';
import { callPayload, createTenant } from '../support/calls.js';
import { createPrompt, promptBody } from './support-prompts.js';
const PRODUCTION_KEY = `${'k'.repeat(43)}=`;

type Reply = { statusCode: number; headers: Record<string, unknown>; json(): unknown };
function assertLimited(t: Test, res: Reply, what: string) {
  t.equal(res.statusCode, 429, what);
  t.match(res.headers['retry-after'], /^\d+$/, `${what}: Retry-After in seconds`);
  t.match(res.json(), { statusCode: 429, error: 'Too Many Requests', message: String });
}

t.test('validate, preview and run share a per-user budget; OpenAI sees nothing past it', async (t) => {
  const stack = await startStack(t, { worker: false, env: { OPENAI_RATE_LIMIT_PER_MINUTE: '4' } });
  const { app, fake } = stack;
  const admin = await signup(app);
  const rep = await addUser(app, admin);
  // Distinct prompts: the validator's cache must not be what stops the calls. Creating them spends nothing.
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await createPrompt(app, admin, promptBody({ name: `Prompt ${i}` }))).id);
  const [v0, v1, v2, v3, extract] = ids as [string, string, string, string, string];
  const repPrompts = as(app, rep, '/api/openai-prompts');

  const before = fake.count();
  for (const promptId of [v0, v1]) t.equal((await repPrompts.post('/validate', { promptId })).statusCode, 200);
  t.equal((await repPrompts.post('/preview', { promptId: extract, transcript: 'hello' })).statusCode, 200);
  t.equal((await as(app, rep).post('/prompts/run', { prompt: extract, transcript: 'hello' })).statusCode, 200);
  const spent = fake.count() - before;
  t.equal(spent, 4, 'four OpenAI requests inside the budget');
  assertLimited(t, await repPrompts.post('/validate', { promptId: v2 }), 'the 5th validate');
  assertLimited(t, await repPrompts.post('/preview', { promptId: extract, transcript: 'again' }), 'a preview after it');
  assertLimited(t, await as(app, rep).post('/prompts/run', { prompt: extract, transcript: 'again' }), 'a run');
  const put = await repPrompts.put('/my-prompts', { openai_individual_prompt_id: v3 });
  assertLimited(t, put, 'a PUT that validates');
  t.equal(fake.count() - before, 4, 'no OpenAI request beyond the limit');
  t.equal(
    (await as(app, admin, '/api/openai-prompts').post('/validate', { promptId: v3 })).statusCode,
    200,
    'another user has their own budget',
  );
});

t.test('webhooks: per organization, counted after the signature', async (t) => {
  const stack = await startStack(t, { worker: false, env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: '3' } });
  const a = await createTenant(stack);
  const b = await createTenant(stack);
  // Forged deliveries for A do not spend A's budget.
  for (let i = 0; i < 5; i++) {
    t.equal(
      (await deliverCall(stack.app, a.organizationId, 'whsec_wrong', callPayload(a.rep.user.id))).statusCode,
      401,
      'forged',
    );
  }
  for (let i = 0; i < 3; i++) {
    const res = await deliverCall(stack.app, a.organizationId, a.secret, callPayload(a.rep.user.id));
    t.not(res.statusCode, 429, `signed delivery ${i + 1} is inside the budget`);
  }
  assertLimited(
    t,
    await deliverCall(stack.app, a.organizationId, a.secret, callPayload(a.rep.user.id)),
    'the 4th signed delivery',
  );
  const other = await deliverCall(stack.app, b.organizationId, b.secret, callPayload(b.rep.user.id));
  t.not(other.statusCode, 429, 'another organization is unaffected');
});

t.test('login: one password over many emails from one address is stopped; so is one account from many', async (t) => {
  const { app } = await startStack(t, { worker: false, loginRateLimit: 5, loginAddressRateLimit: 20 });
  const attempt = (email: string, ip = '10.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: ip,
      payload: { email, password: 'Winter2026!' },
    });
  let firstLimited = -1;
  for (let i = 0; i < 50; i++) {
    const res = await attempt(`victim-${i}-${randomUUID()}@example.com`);
    if (res.statusCode === 429) {
      firstLimited = i;
      assertLimited(t, res, 'spraying');
      break;
    }
    t.equal(res.statusCode, 401);
  }
  t.ok(firstLimited >= 0 && firstLimited < 49, `refused before the 50th email (at ${firstLimited + 1})`);

  const target = `target-${randomUUID()}@example.com`;
  for (let i = 0; i < 5; i++) t.equal((await attempt(target, `10.1.0.${i}`)).statusCode, 401);
  assertLimited(t, await attempt(target, '10.1.0.99'), 'one account from a sixth address');
});

t.test('signup per address', async (t) => {
  const { app } = await startStack(t, { worker: false, signupRateLimit: 2 });
  const post = (ip: string) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      remoteAddress: ip,
      payload: { organizationName: 'Acme', email: `a-${randomUUID()}@example.com`, password: 'long-enough' },
    });
  t.equal((await post('10.2.0.1')).statusCode, 201);
  t.equal((await post('10.2.0.1')).statusCode, 201);
  assertLimited(t, await post('10.2.0.1'), 'the 3rd signup from one address');
  t.equal((await post('10.2.0.2')).statusCode, 201, 'another address');
});

const signupFrom = (app: Awaited<ReturnType<typeof startStack>>['app'], forwardedFor: string, remoteAddress: string) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { organizationName: 'Acme', email: `a-${randomUUID()}@example.com`, password: 'long-enough' },
  });

t.test('without TRUST_PROXY a client cannot choose its address with X-Forwarded-For', async (t) => {
  const { app } = await startStack(t, { worker: false, signupRateLimit: 1 });
  t.equal((await signupFrom(app, '203.0.113.1', '10.3.0.1')).statusCode, 201);
  assertLimited(t, await signupFrom(app, '203.0.113.2', '10.3.0.1'), 'a made-up X-Forwarded-For is ignored');
});

t.test('TRUST_PROXY=1: the address the one proxy saw; what the client wrote before it is ignored', async (t) => {
  const { app } = await startStack(t, { worker: false, signupRateLimit: 1, env: { TRUST_PROXY: '1' } });
  t.equal((await signupFrom(app, '203.0.113.1', '10.3.0.1')).statusCode, 201);
  t.equal((await signupFrom(app, '203.0.113.2', '10.3.0.1')).statusCode, 201, 'two clients behind one proxy');
  // The proxy appends the address it saw: a client's own entries come before it and do not count.
  assertLimited(t, await signupFrom(app, '198.51.100.7, 203.0.113.1', '10.3.0.1'), 'a forged first entry');
});

t.test('TRUST_PROXY=<addresses>: only those proxies are believed', async (t) => {
  const { app } = await startStack(t, { worker: false, signupRateLimit: 1, env: { TRUST_PROXY: '10.3.0.0/24' } });
  t.equal((await signupFrom(app, '203.0.113.10', '10.3.0.1')).statusCode, 201);
  t.equal((await signupFrom(app, '203.0.113.11', '10.3.0.1')).statusCode, 201, 'another client behind the proxy');
  t.equal((await signupFrom(app, '203.0.113.12', '192.0.2.50')).statusCode, 201);
  assertLimited(t, await signupFrom(app, '203.0.113.13', '192.0.2.50'), 'not a trusted proxy: its own address');
});

t.test('SIGNUP_MODE=closed → 403; closed by default in production', async (t) => {
  const { app, config } = await startStack(t, { worker: false, env: { SIGNUP_MODE: 'closed' } });
  t.equal(config.signupMode, 'closed');
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { organizationName: 'Acme', email: `a-${randomUUID()}@example.com`, password: 'long-enough' },
  });
  t.equal(res.statusCode, 403);
  t.match(res.json(), { statusCode: 403, error: 'Forbidden', message: /closed/ });
  const { loadConfig } = await import('../../src/config.js');
  t.equal(
    loadConfig(
      { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), CALLSENSE_ENCRYPTION_KEY: PRODUCTION_KEY },
      { dotenv: false },
    ).signupMode,
    'closed',
  );
  t.equal(loadConfig({ NODE_ENV: 'test' }, { dotenv: false }).signupMode, 'open');
  t.equal(
    loadConfig(
      {
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
        CALLSENSE_ENCRYPTION_KEY: PRODUCTION_KEY,
        SIGNUP_MODE: 'open',
      },
      { dotenv: false },
    ).signupMode,
    'open',
  );
});
