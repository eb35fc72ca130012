// Errors a tenant can see never carry upstream internals: host names, ports, SQL, OpenAI organization ids or
// key fragments. Over the failure cases: PostgreSQL down, OpenAI 401 and 429 texts, OpenAI unreachable.
import t, { type Test } from 'tap';
import { buildApp } from '../../src/api/app.js';
import { createOrm } from '../../src/db/orm.js';
import { createOpenAIGateway } from '../../src/openai/gateway.js';
import { startStack, type Stack } from '../support/harness.js';
import { as, signup, type Account } from '../support/api.js';
import { freePort } from '../support/free-port.js';
import { createPrompt, promptBody } from './support-prompts.js';

const LEAKS: [string, RegExp][] = [
  ['an OpenAI organization id', /org-[A-Za-z0-9]{4,}/],
  ['a key fragment', /\b(sk|rk)-[A-Za-z0-9*]{3,}/],
  ['a host or address', /127\.0\.0\.1|localhost|\bapi\.openai\.com|platform\.openai\.com|https?:\/\//],
  ['a port', /[a-z0-9\]]:\d{2,5}\b/i],
  ['SQL', /\b(select|insert|update|delete)\b[^"]*\b(from|into|set)\b|\bSQLSTATE\b|relation "/i],
  ['a socket error code', /ECONNREFUSED|ECONNRESET|ETIMEDOUT/],
];

function assertClean(t: Test, what: string, body: string) {
  for (const [name, pattern] of LEAKS) t.notMatch(body, pattern, `${what}: no ${name} in ${body}`);
}

async function tryPrompt(t: Test, stack: Stack, account: Account, promptId: string, what: string) {
  const prompts = as(stack.app, account, '/api/openai-prompts');
  const validate = await prompts.post('/validate', { promptId });
  t.equal(validate.json().valid, false, `${what}: validate says invalid`);
  assertClean(t, `validate, ${what}`, validate.body);
  const preview = await prompts.post('/preview', { promptId, transcript: 'hello' });
  t.ok(preview.statusCode >= 400, `${what}: preview fails (${preview.statusCode})`);
  assertClean(t, `preview, ${what}`, preview.body);
  const run = await as(stack.app, account).post('/prompts/run', { prompt: promptId, transcript: 'hello' });
  t.ok(run.statusCode >= 400, `${what}: run fails (${run.statusCode})`);
  assertClean(t, `run, ${what}`, run.body);
}

t.test('OpenAI 401 and 429 texts with organization ids and key fragments stay out of answers', async (t) => {
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const unauthorized = {
    status: 401,
    body: {
      error: {
        message:
          'Incorrect API key provided: sk-proj-AbCd**********************wxYZ. You can find your API key at ' +
          'https://platform.openai.com/account/api-keys. (organization org-Q7xLm2Pz9KwT)',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        param: null,
      },
    },
  };
  const limited = {
    status: 429,
    body: {
      error: {
        message:
          'Rate limit reached for gpt-4o in organization org-Q7xLm2Pz9KwT on tokens per min (TPM): Limit 30000, ' +
          'Used 29000, Requested 2000. Visit https://platform.openai.com/account/rate-limits to learn more.',
        type: 'tokens',
        code: 'rate_limit_exceeded',
        param: null,
      },
    },
  };
  const leaky401 = (await createPrompt(stack.app, admin, promptBody({ name: 'Leaky 401' }))).id;
  const leaky429 = (await createPrompt(stack.app, admin, promptBody({ name: 'Leaky 429' }))).id;
  stack.fake.enqueue(leaky401, unauthorized, unauthorized, unauthorized);
  stack.fake.enqueue(leaky429, limited, limited, limited);
  await tryPrompt(t, stack, admin, leaky401, 'OpenAI 401');
  await tryPrompt(t, stack, admin, leaky429, 'OpenAI 429');
});

t.test('OpenAI unreachable (connection refused) stays out of answers', async (t) => {
  const stack = await startStack(t, {
    worker: false,
    env: { OPENAI_BASE_URL: `http://127.0.0.1:${await freePort()}/v1` },
  });
  const admin = await signup(stack.app);
  const unreachable = (await createPrompt(stack.app, admin)).id;
  await tryPrompt(t, stack, admin, unreachable, 'ECONNREFUSED');
});

t.test('PostgreSQL down: 503 without hosts, ports or SQL', async (t) => {
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const dead = await createOrm(`postgres://postgres:postgres@127.0.0.1:${await freePort()}/gone`);
  t.teardown(() => dead.close());
  const app = await buildApp(
    { config: stack.config, orm: dead, temporal: stack.temporal, openai: createOpenAIGateway(stack.config.openai) },
    { logger: false },
  );
  t.teardown(() => app.close());
  for (const [method, url] of [
    ['GET', '/api/auth/me'],
    ['GET', '/api/calls'],
    ['GET', '/api/readyz'],
  ] as const) {
    const res = await as(app, admin, '').request(method, url);
    t.equal(res.statusCode, 503, `${url}: ${res.body}`);
    assertClean(t, url, res.body);
  }
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'a@example.com', password: 'whatever-123' },
  });
  t.equal(login.statusCode, 503);
  assertClean(t, 'login', login.body);
});
