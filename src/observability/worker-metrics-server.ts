// The worker's /metrics: the Temporal SDK's metrics (scraped from the Runtime's internal exporter) followed
// by the project's worker registry, as one Prometheus text document. Both use distinct metric names
// (`temporal_…` and `callsense_…`), so the concatenation is a valid exposition.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';
import { METRICS_UNAUTHORIZED_MESSAGE, metricsAuthorized } from './metrics-token.js';

export interface WorkerMetricsServer {
  url: string;
  close(): Promise<void>;
}

async function coreMetrics(url: string | undefined, logger: Logger): Promise<string> {
  if (!url) return '';
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const text = await response.text();
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  } catch (error) {
    logger.warn({ err: error }, 'could not read the Temporal SDK metrics');
    return '';
  }
}

/** Listens on host:port (port 0: a free port, see `url`). */
export async function startWorkerMetricsServer(options: {
  host: string;
  port: number;
  registry: Registry;
  coreMetricsUrl: () => string | undefined;
  logger: Logger;
  /** METRICS_TOKEN: when set, only `Authorization: Bearer <token>` is answered. */
  token?: string | undefined;
}): Promise<WorkerMetricsServer> {
  const server: Server = createServer((req, res) => {
    // The same header every API answer carries: clients must not guess another type for the text.
    res.setHeader('x-content-type-options', 'nosniff');
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
      return;
    }
    if (!metricsAuthorized(options.token, req.headers.authorization)) {
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
        .end(`${METRICS_UNAUTHORIZED_MESSAGE}\n`);
      return;
    }
    Promise.all([coreMetrics(options.coreMetricsUrl(), options.logger), options.registry.metrics()])
      .then(([core, own]) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(core + own))
      .catch((error: Error) => {
        options.logger.error({ err: error }, 'could not render the worker metrics');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
