// The console plugin on its own: SPA fallback, caching, API paths untouched, and a missing build.
import t from 'tap';
import Fastify from 'fastify';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webConsole from '../../src/api/plugins/console.js';

async function appWith(root: string) {
  const app = Fastify({ logger: false });
  await app.register(
    async (api) => {
      api.get('/ping', async () => ({ pong: true }));
    },
    { prefix: '/api' },
  );
  await app.register(webConsole, { root });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ statusCode: 404, message: `Route ${request.url} not found` }),
  );
  await app.ready();
  return app;
}

t.test('a built console is served with an SPA fallback and long-cached assets', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'console-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1234.js"></script>');
  await writeFile(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  const app = await appWith(root);
  t.teardown(() => app.close());

  const index = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
  t.equal(index.statusCode, 200);
  t.match(index.headers['content-type'], /text\/html/);
  t.match(index.body, /app-1234\.js/);
  t.equal(index.headers['cache-control'], 'no-cache');

  const deep = await app.inject({ method: 'GET', url: '/admin/integrations', headers: { accept: 'text/html,*/*' } });
  t.equal(deep.statusCode, 200, 'client-side routes get index.html');
  t.match(deep.body, /app-1234\.js/);

  const asset = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
  t.equal(asset.statusCode, 200);
  t.match(asset.headers['cache-control'], /max-age=31536000.*immutable/);

  const missingAsset = await app.inject({ method: 'GET', url: '/assets/gone-9999.js', headers: { accept: '*/*' } });
  t.equal(missingAsset.statusCode, 404, 'a missing asset is a 404, not the page');

  const api = await app.inject({ method: 'GET', url: '/api/ping' });
  t.same(api.json(), { pong: true });
  const unknownApi = await app.inject({ method: 'GET', url: '/api/nope', headers: { accept: 'text/html' } });
  t.equal(unknownApi.statusCode, 404, 'unknown API paths stay JSON 404s');
  t.match(unknownApi.json(), { message: /nope/ });

  const json = await app.inject({ method: 'GET', url: '/calls', headers: { accept: 'application/json' } });
  t.equal(json.statusCode, 404, 'only requests for HTML get the page');
});

t.test('without a build the API still works and / says the console is not built', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'console-empty-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const app = await appWith(root);
  t.teardown(() => app.close());

  const index = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
  t.equal(index.statusCode, 200);
  t.match(index.body, /console is not built/);
  t.match(index.body, /npm run web:build/);
  const api = await app.inject({ method: 'GET', url: '/api/ping' });
  t.same(api.json(), { pong: true });
});
