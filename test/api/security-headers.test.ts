// Security headers on every answer, CORS only for CORS_ORIGINS, and 503 + Retry-After when overloaded.
import t from 'tap';
import { buildApp } from '../../src/api/app.js';
import { createOpenAIGateway } from '../../src/openai/gateway.js';
import { startStack } from '../support/harness.js';

const ALLOWED = 'https://console.example.com';

t.test('security headers and a content-security-policy that Swagger UI works under', async (t) => {
  const stack = await startStack(t, { worker: false, env: { CORS_ORIGINS: `${ALLOWED}, https://other.example.com/` } });
  const health = await stack.app.inject({ method: 'GET', url: '/api/healthz' });
  t.equal(health.headers['x-content-type-options'], 'nosniff');
  t.ok(health.headers['x-frame-options'], 'framing is refused');

  const page = await stack.app.inject({ method: 'GET', url: '/api/docs' });
  t.equal(page.statusCode, 200);
  const csp = String(page.headers['content-security-policy']);
  t.match(csp, /default-src 'self'/);
  t.match(csp, /script-src 'self'(;|$)/, 'scripts only from the same origin');
  t.match(csp, /style-src 'self' 'unsafe-inline'/, 'Swagger UI and the console set inline styles');
  t.notMatch(csp, /upgrade-insecure-requests/, 'plain-HTTP deployments keep working');
  for (const src of page.body.matchAll(/<script src="([^"]+)"/g)) {
    const script = await stack.app.inject({ method: 'GET', url: new URL(src[1]!, 'http://x/api/docs/').pathname });
    t.equal(script.statusCode, 200, `${src[1]} is served from the same origin`);
  }
});

t.test('CORS only for the listed origins', async (t) => {
  const stack = await startStack(t, { worker: false, env: { CORS_ORIGINS: `${ALLOWED},https://other.example.com` } });
  const preflight = (origin: string) =>
    stack.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/me',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
  const allowed = await preflight(ALLOWED);
  t.equal(allowed.headers['access-control-allow-origin'], ALLOWED);
  t.match(String(allowed.headers['access-control-allow-headers']), /authorization/);
  const stranger = await preflight('https://evil.example.net');
  t.equal(stranger.headers['access-control-allow-origin'], undefined, 'an unlisted origin gets no CORS grant');
  const get = await stack.app.inject({ method: 'GET', url: '/api/healthz', headers: { origin: ALLOWED } });
  t.equal(get.headers['access-control-allow-origin'], ALLOWED);

  const closed = await startStack(t, { worker: false });
  const none = await closed.app.inject({ method: 'GET', url: '/api/healthz', headers: { origin: ALLOWED } });
  t.equal(none.headers['access-control-allow-origin'], undefined, 'no CORS_ORIGINS: no origin is allowed');
});

t.test('an overloaded process answers 503 with Retry-After in the error shape', async (t) => {
  const stack = await startStack(t, { worker: false });
  const app = await buildApp(
    {
      config: stack.config,
      orm: stack.orm,
      temporal: stack.temporal,
      openai: createOpenAIGateway(stack.config.openai),
      pressure: { healthCheck: async () => false, healthCheckInterval: 50 },
    },
    { logger: false },
  );
  t.teardown(() => app.close());
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/api/auth/me' });
  t.equal(res.statusCode, 503);
  t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After is set');
  t.same(res.json(), {
    statusCode: 503,
    error: 'Service Unavailable',
    message: 'The server is overloaded right now; try again shortly',
  });
});
