// The web console at `/`: the built single-page app from dist/console. Hashed assets are cached for a year;
// any other non-API GET that asks for HTML gets index.html (the app routes on the client). Without a build
// the API still works and `/` explains how to build the console.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consoleDir } from '../../platform/console-build.js';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CallSense</title></head>
<body><h1>The console is not built</h1>
<p>The API works (see <a href="/api/docs">/api/docs</a>). Build the web console with <code>npm run web:build</code>
(<code>npm start</code> does it for you) and reload.</p></body></html>`;

const wantsHtml = (request: FastifyRequest) => /text\/html|\*\/\*/.test(request.headers.accept ?? '');
const isApi = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

export default fp(
  async function webConsole(app: FastifyInstance, opts: { root?: string }) {
    const root = opts.root ?? consoleDir();
    const built = existsSync(join(root, 'index.html'));

    if (built) {
      await app.register(fastifyStatic, {
        root,
        prefix: '/',
        wildcard: false,
        index: false,
        cacheControl: false,
        setHeaders(reply, path) {
          const hashed = path.startsWith(join(root, 'assets'));
          reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    }

    const page = (reply: FastifyReply) =>
      built
        ? reply.header('cache-control', 'no-cache').sendFile('index.html', root)
        : reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);

    app.get('/', { schema: { hide: true } }, (_request, reply) => page(reply));
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (isApi(request.url) || !wantsHtml(request) || request.url.startsWith('/assets/')) return reply.callNotFound();
      return page(reply);
    });
  },
  { name: 'web-console' },
);
