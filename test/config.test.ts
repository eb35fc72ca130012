import t from 'tap';
import { loadConfig } from '../src/config.js';

t.test('contract defaults', async (t) => {
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
  t.same(config.scoring, { scheduleCron: '0 3 * * 0', scheduleTimezone: 'UTC', minLeadsPerClass: 20, scheduleEnabled: true });
  t.equal(config.webhookToleranceSeconds, 300);
});

t.test('values are parsed and empty ones mean unset', async (t) => {
  const config = loadConfig({ PORT: '8080', OPENAI_BASE_URL: '', WEBHOOK_TOLERANCE_SECONDS: '60', JWT_SECRET: 's3cret' }, { dotenv: false });
  t.equal(config.port, 8080);
  t.equal(config.openai.baseURL, undefined);
  t.equal(config.webhookToleranceSeconds, 60);
  t.equal(config.jwt.secret, 's3cret');
  t.notOk(config.jwt.isDevelopmentSecret);
});

t.test('bad configuration is refused with a clear message', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }, { dotenv: false }), /PORT must be integer/);
  t.throws(() => loadConfig({ NODE_ENV: 'production' }, { dotenv: false }), /JWT_SECRET is required/);
});

t.test('OpenAI retry window, backoff cap and the Temporal UI base', async (t) => {
  const defaults = loadConfig({}, { dotenv: false });
  t.equal(defaults.openai.retryWindowSeconds, 86_400, 'one day');
  t.equal(defaults.openai.retryMaxBackoffSeconds, 300);
  t.equal(defaults.temporal.uiUrl, undefined, 'no link unless configured (npm start fills in its own UI)');
  const set = loadConfig({ OPENAI_RETRY_WINDOW_SECONDS: '120', OPENAI_RETRY_MAX_BACKOFF_SECONDS: '2.5', TEMPORAL_UI_URL: 'https://temporal.example/' }, { dotenv: false });
  t.equal(set.openai.retryWindowSeconds, 120);
  t.equal(set.openai.retryMaxBackoffSeconds, 2.5);
  t.equal(set.temporal.uiUrl, 'https://temporal.example');
  t.throws(() => loadConfig({ OPENAI_RETRY_WINDOW_SECONDS: '0' }, { dotenv: false }));
});
