// With OTEL_EXPORTER_OTLP_ENDPOINT set, spans leave the process over OTLP/HTTP at <endpoint>/v1/traces.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { loadConfig } from '../../src/config.js';
import { startTracing, tracing } from '../../src/observability/tracing.js';

t.test('spans are exported to the configured endpoint', async (t) => {
  const received: { path: string | undefined; bytes: number }[] = [];
  const collector = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      received.push({ path: req.url, bytes });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  t.equal(loadConfig({ NODE_ENV: 'test' }, { dotenv: false }).otlpEndpoint, undefined, 'off by default');
  t.equal(tracing(), undefined, 'nothing started');
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const config = loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, { dotenv: false });
  const started = await startTracing({ endpoint: config.otlpEndpoint, serviceName: 'callsense-test' });
  t.ok(started);
  trace.getTracer('test').startActiveSpan('a span', (span) => span.end());
  await started!.shutdown(); // flushes the batch
  t.equal(received.length, 1, 'one export request');
  t.equal(received[0]?.path, '/v1/traces');
  t.ok((received[0]?.bytes ?? 0) > 0);
});
