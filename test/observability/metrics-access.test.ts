// METRICS_TOKEN protects both /metrics endpoints; the database-backed gauges are read at most every 15 s, not on
// every scrape.
import t from 'tap';
import { startStack } from '../support/harness.js';
import { bearer } from '../support/api.js';
import { createApiMetrics, DATABASE_GAUGE_MIN_INTERVAL_MS } from '../../src/observability/metrics.js';
import { parseMetrics, sampleSum } from '../support/prometheus.js';

t.test('calls by status are read from the database at most every 15 s', async (t) => {
  t.equal(DATABASE_GAUGE_MIN_INTERVAL_MS, 15_000);
  let clock = 1_000_000;
  let reads = 0;
  let fail = false;
  const metrics = createApiMetrics({
    now: () => clock,
    countCallsByStatus: async () => {
      reads++;
      if (fail) throw new Error('database unavailable');
      return { queued: reads, analyzing: 0, analyzed: 0, failed: 0 };
    },
  });
  const queued = async () =>
    sampleSum(parseMetrics(await metrics.registry.metrics()), 'callsense_calls', { status: 'queued' });

  t.equal(await queued(), 1);
  await Promise.all([queued(), queued(), queued()]);
  clock += 14_999;
  t.equal(await queued(), 1, 'the same reading inside the interval');
  t.equal(reads, 1, 'one database read for five scrapes');
  clock += 1;
  t.equal(await queued(), 2, 'read again once the interval is over');
  t.equal(reads, 2);

  clock += 15_000;
  fail = true;
  await t.rejects(metrics.registry.metrics());
  fail = false;
  t.equal(await queued(), 4, 'a failed read is not kept: the next scrape reads again');
});

t.test('METRICS_TOKEN: both /metrics endpoints require the bearer token', async (t) => {
  const token = 'scrape-token-0123456789';
  const stack = await startStack(t, { env: { METRICS_TOKEN: token } });
  const api = (headers: Record<string, string> = {}) => stack.app.inject({ method: 'GET', url: '/metrics', headers });

  const missing = await api();
  t.equal(missing.statusCode, 401);
  t.equal(missing.headers['www-authenticate'], 'Bearer');
  t.match(missing.json(), { statusCode: 401, error: 'Unauthorized', message: /METRICS_TOKEN/ });
  t.equal((await api(bearer('wrong'))).statusCode, 401, 'a wrong token');
  t.equal((await api(bearer(`${token}x`))).statusCode, 401, 'a longer token');
  t.equal((await api({ authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` })).statusCode, 401);
  const ok = await api(bearer(token));
  t.equal(ok.statusCode, 200);
  t.match(ok.body, /callsense_http_request_duration_seconds/);

  const worker = await stack.startWorker();
  const workerMissing = await fetch(worker.metricsUrl);
  t.equal(workerMissing.status, 401);
  t.equal(workerMissing.headers.get('www-authenticate'), 'Bearer');
  await workerMissing.body?.cancel();
  const workerWrong = await fetch(worker.metricsUrl, { headers: bearer('wrong') });
  t.equal(workerWrong.status, 401);
  await workerWrong.body?.cancel();
  const workerOk = await fetch(worker.metricsUrl, { headers: bearer(token) });
  t.equal(workerOk.status, 200);
  t.match(await workerOk.text(), /callsense_|temporal_/);
});

t.test('without METRICS_TOKEN /metrics stays open (for a private network)', async (t) => {
  const stack = await startStack(t, { worker: false });
  t.equal((await stack.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
});
