import t from 'tap';
import { isDevelopment, loadConfig, warnRetiredPromptVariables } from '../src/config.js';

const SECRET = 'a'.repeat(32);

t.test('documented defaults', async (t) => {
  const config = loadConfig({}, { dotenv: false });
  t.equal(config.host, '127.0.0.1');
  t.equal(config.port, 3000);
  t.equal(config.databaseUrl, undefined);
  t.equal(config.temporal.address, undefined);
  t.equal(config.temporal.namespace, 'default');
  t.equal(config.temporal.taskQueue, 'call-analysis');
  t.equal(config.jwt.expiresIn, '1h');
  t.ok(config.jwt.isDevelopmentSecret, 'a development secret, flagged so the API warns');
  t.equal(config.openai.timeoutMs, 60000);
  t.same(config.scoring, {
    scheduleCron: '0 3 * * 0',
    scheduleTimezone: 'UTC',
    minLeadsPerClass: 20,
    scheduleEnabled: true,
  });
  t.equal(config.webhookToleranceSeconds, 300);
});

t.test('values are parsed and empty ones mean unset', async (t) => {
  const config = loadConfig(
    { PORT: '8080', OPENAI_BASE_URL: '', WEBHOOK_TOLERANCE_SECONDS: '60', JWT_SECRET: SECRET },
    { dotenv: false },
  );
  t.equal(config.port, 8080);
  t.equal(config.openai.baseURL, undefined);
  t.equal(config.webhookToleranceSeconds, 60);
  t.equal(config.jwt.secret, SECRET);
  t.notOk(config.jwt.isDevelopmentSecret);
});

t.test('bad configuration is refused with a clear message', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }, { dotenv: false }), /PORT must be integer/);
  t.throws(() => loadConfig({ NODE_ENV: 'production' }, { dotenv: false }), /JWT_SECRET is required/);
});

t.test('the public development JWT secret is only used by development and test processes', async (t) => {
  t.ok(loadConfig({}, { dotenv: false }).jwt.isDevelopmentSecret, 'NODE_ENV unset: development');
  t.ok(loadConfig({ NODE_ENV: 'development' }, { dotenv: false }).jwt.isDevelopmentSecret);
  t.ok(loadConfig({ NODE_ENV: 'test' }, { dotenv: false }).jwt.isDevelopmentSecret);
  for (const env of ['production', 'staging', 'prod', 'Production', 'dev']) {
    t.throws(() => loadConfig({ NODE_ENV: env }, { dotenv: false }), /JWT_SECRET is required when NODE_ENV=/, env);
  }
  t.notOk(loadConfig({ NODE_ENV: 'staging', JWT_SECRET: SECRET }, { dotenv: false }).jwt.isDevelopmentSecret);
});

t.test('a JWT_SECRET shorter than 32 bytes is refused at start', async (t) => {
  t.throws(
    () => loadConfig({ JWT_SECRET: 's3cret' }, { dotenv: false }),
    /JWT_SECRET must be at least 32 bytes long \(it has 6\)/,
  );
  t.throws(
    () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) }, { dotenv: false }),
    /at least 32 bytes/,
  );
  t.equal(loadConfig({ JWT_SECRET: 'é'.repeat(16) }, { dotenv: false }).jwt.secret.length, 16, 'bytes, not characters');
});

t.test('demo data belongs to development only', async (t) => {
  t.ok(isDevelopment(loadConfig({}, { dotenv: false })));
  t.notOk(isDevelopment(loadConfig({ NODE_ENV: 'test' }, { dotenv: false })));
  const key = `${'k'.repeat(43)}=`;
  const production = { NODE_ENV: 'production', JWT_SECRET: SECRET, CALLSENSE_ENCRYPTION_KEY: key };
  t.notOk(isDevelopment(loadConfig(production, { dotenv: false })));
});

t.test('OpenAI retry window, backoff cap and the Temporal UI base', async (t) => {
  const defaults = loadConfig({}, { dotenv: false });
  t.equal(defaults.openai.retryWindowSeconds, 86_400, 'one day');
  t.equal(defaults.openai.retryMaxBackoffSeconds, 300);
  t.equal(defaults.temporal.uiUrl, undefined, 'no link unless configured (npm start fills in its own UI)');
  const set = loadConfig(
    {
      OPENAI_RETRY_WINDOW_SECONDS: '120',
      OPENAI_RETRY_MAX_BACKOFF_SECONDS: '2.5',
      TEMPORAL_UI_URL: 'https://temporal.example/',
    },
    { dotenv: false },
  );
  t.equal(set.openai.retryWindowSeconds, 120);
  t.equal(set.openai.retryMaxBackoffSeconds, 2.5);
  t.equal(set.temporal.uiUrl, 'https://temporal.example');
  t.throws(() => loadConfig({ OPENAI_RETRY_WINDOW_SECONDS: '0' }, { dotenv: false }));
});

t.test('TRUST_PROXY: a hop count or proxy addresses; true is refused', async (t) => {
  const proxy = (value: string | undefined) => loadConfig({ TRUST_PROXY: value }, { dotenv: false }).trustProxy;
  t.equal(proxy(undefined), false, 'off by default');
  t.equal(proxy('false'), false);
  t.equal(proxy('0'), false);
  t.equal(proxy('2'), 2);
  t.same(proxy('10.0.0.0/8, 192.168.1.5,::1,fd00::/8'), ['10.0.0.0/8', '192.168.1.5', '::1', 'fd00::/8']);
  for (const value of ['true', 'TRUE', 'True']) {
    t.throws(() => proxy(value), /TRUST_PROXY=true is refused: it takes any X-Forwarded-For/, value);
  }
  for (const value of ['yes', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/8/1', '10.0.0.1,']) {
    t.throws(() => proxy(value), /TRUST_PROXY: ".*" is neither a hop count nor an IP address or CIDR/, value);
  }
});

t.test('JWT_EXPIRES_IN is at most 24 hours', async (t) => {
  const expires = (value: string) => loadConfig({ JWT_EXPIRES_IN: value }, { dotenv: false }).jwt.expiresIn;
  t.equal(expires('15m'), '15m');
  t.equal(expires('24h'), '24h');
  t.equal(expires('1 day'), '1 day');
  t.throws(() => expires('25h'), /JWT_EXPIRES_IN="25h" is longer than the maximum of 24 hours/);
  t.throws(() => expires('7d'), /longer than the maximum of 24 hours/);
  t.throws(() => expires('1w'), /longer than the maximum of 24 hours/);
  t.throws(() => expires('forever'), /JWT_EXPIRES_IN="forever" is not a duration/);
  t.throws(() => expires('-1h'), /is not a duration/);
});

t.test('the public development JWT secret only while listening on a loopback address', async (t) => {
  for (const host of ['127.0.0.1', '127.0.1.1', '::1', 'localhost']) {
    t.ok(loadConfig({ HOST: host }, { dotenv: false }).jwt.isDevelopmentSecret, host);
  }
  for (const host of ['0.0.0.0', '::', '10.1.2.3', 'api.example.com']) {
    t.throws(
      () => loadConfig({ HOST: host }, { dotenv: false }),
      /JWT_SECRET is required when HOST=.*: the development secret is public/,
      host,
    );
    t.throws(() => loadConfig({ HOST: host, NODE_ENV: 'test' }, { dotenv: false }), /JWT_SECRET is required/);
    t.notOk(loadConfig({ HOST: host, JWT_SECRET: SECRET }, { dotenv: false }).jwt.isDevelopmentSecret);
  }
});

t.test('METRICS_TOKEN', async (t) => {
  t.equal(loadConfig({}, { dotenv: false }).metricsToken, undefined);
  t.equal(loadConfig({ METRICS_TOKEN: 'scrape-me' }, { dotenv: false }).metricsToken, 'scrape-me');
});

t.test('prompts and spend: the default model, warning days, budget and prices', async (t) => {
  const config = loadConfig({}, { dotenv: false });
  t.equal(config.openai.defaultModel, 'gpt-6-luna');
  t.equal(config.openai.modelWarningDays, 90);
  t.equal(config.openai.tokenBudgetPerDay, 2_000_000);
  t.ok(config.openai.prices['gpt-6-luna'], 'a built-in price for the default model');
  const priced = loadConfig(
    { OPENAI_PRICES: '{"gpt-x":{"input":1,"output":2}}', OPENAI_TOKEN_BUDGET_PER_DAY: '0' },
    { dotenv: false },
  );
  t.same(priced.openai.prices['gpt-x'], { input: 1, output: 2 }, 'merged over the built-in prices');
  t.ok(priced.openai.prices['gpt-6-luna'], 'the built-in ones stay');
  t.equal(priced.openai.tokenBudgetPerDay, 0, '0: no limit');
  t.throws(() => loadConfig({ OPENAI_PRICES: 'not json' }, { dotenv: false }), /OPENAI_PRICES must be JSON/);
  t.throws(() => loadConfig({ OPENAI_PRICES: '{"gpt-x":{"input":"cheap"}}' }, { dotenv: false }), /numeric/);
});

t.test('the retired stored-prompt variables are ignored with one warning', async (t) => {
  const config = loadConfig(
    { OPENAI_INDIVIDUAL_PROMPT_ID: 'pmpt_abc', OPENAI_COMPLETE_PROMPT_ID: 'pmpt_def' },
    { dotenv: false },
  );
  t.same(config.openai.retiredPromptVariables, ['OPENAI_INDIVIDUAL_PROMPT_ID', 'OPENAI_COMPLETE_PROMPT_ID']);
  const warnings: string[] = [];
  // The API and the worker share a process under npm start: both ask, one warning is logged.
  warnRetiredPromptVariables(config, (message) => warnings.push(message));
  warnRetiredPromptVariables(config, (message) => warnings.push(message));
  t.equal(warnings.length, 1);
  t.match(
    warnings[0],
    /OPENAI_INDIVIDUAL_PROMPT_ID and OPENAI_COMPLETE_PROMPT_ID are ignored: OpenAI retired stored prompts on 2026-11-30/,
  );
  t.same(loadConfig({}, { dotenv: false }).openai.retiredPromptVariables, [], 'nothing to warn about when unset');
});
