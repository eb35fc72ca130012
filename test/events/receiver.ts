// A local event receiver for the delivery tests: plain HTTP on 127.0.0.1 (the tests set
// EVENTS_ALLOW_PRIVATE_URLS=true), recording every request with its raw body, answering as the test says.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  at: number;
}

/** What to answer one request with: a status, or a promise of one (to hold the request open). */
export type Answer = (request: Received, index: number) => number | Promise<number>;

export interface Receiver {
  url: string;
  received: Received[];
  answer: Answer;
  /** The requests carrying this `webhook-id`. */
  byId(id: string): Received[];
  ofType(type: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    answer,
    byId: (id) => received.filter((r) => r.headers['webhook-id'] === id),
    ofType: (type) => received.filter((r) => r.body.type === type),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { headers: request.headers, raw, body: JSON.parse(raw), at: Date.now() };
      const index = received.push(entry) - 1;
      Promise.resolve(receiver.answer(entry, index)).then(
        (status) => {
          if (!response.destroyed) response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        },
        () => response.destroy(),
      );
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
