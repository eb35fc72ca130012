// Durability: restart the Temporal server or PostgreSQL while calls are in flight. Nothing is lost,
// nothing is analysed twice. Each test runs its own server so the rest of the suite is unaffected.
import t, { type Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { createOrm } from '../../src/db/orm.js';
import { migrateUp } from '../../src/db/migrate.js';
import { resolveTemporalCli } from '../../src/platform/temporal-cli.js';
import { startTemporalDevServer } from '../../src/platform/temporal-dev-server.js';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres.js';
import { SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor, type Stack } from '../support/harness.js';
import { as, deliverCall } from '../support/api.js';
import { createTenant } from '../support/tenant.js';
import { freePort } from '../support/free-port.js';

const CALLS = 4;

async function deliverBurst(stack: Stack) {
  const { admin, rep, secret } = await createTenant(stack);
  for (let i = 0; i < CALLS; i++) {
    const res = await deliverCall(stack.app, admin.organization.id, secret, {
      callId: `restart-${i}`,
      userId: rep.user.id,
      lead: { externalId: 'lead-restart' },
      transcript: `call number ${i}: interested`,
    });
    if (res.statusCode !== 202) throw new Error(res.body);
  }
  return { organizationId: admin.organization.id, admin, secret, rep };
}

async function assertAllAnalysedOnce(t: Test, stack: Stack, organizationId: string) {
  const em = () => tenantEm(stack.orm.em, organizationId);
  const calls = await waitFor(
    async () => {
      const rows = await em().find(Call, {});
      return rows.length === CALLS && rows.every((c) => c.status === 'analyzed' && c.foldedAt) ? rows : null;
    },
    { timeoutMs: 150_000, intervalMs: 500, what: 'every call analysed and folded' },
  );
  t.equal(calls.length, CALLS, 'no call lost');
  const lead = await em().findOneOrFail(Lead, { externalId: 'lead-restart' });
  t.equal(lead.callCount, CALLS, 'each call counted once on its lead');
  t.ok(lead.completeAnalysis, 'the complete analysis was written');
  const analysed = stack.fake.requests.filter((r) => r.promptKey === SYSTEM_INDIVIDUAL_PROMPT).map((r) => r.input);
  t.equal(new Set(analysed).size, CALLS, 'every transcript reached OpenAI');
  t.equal(analysed.length, CALLS, 'each call was analysed exactly once');
}

t.test('the Temporal server restarts mid-run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callsense-temporal-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const options = {
    cli: await resolveTemporalCli(),
    port: await freePort(),
    namespace: 'default',
    dbFile: join(dir, 'temporal.sqlite'),
  };
  let server = await startTemporalDevServer(options);
  t.teardown(() => server.stop());

  const stack = await startStack(t, { temporalAddress: server.address });
  stack.fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT, { delayMs: 1500 });
  const { organizationId } = await deliverBurst(stack);
  await waitFor(() => stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT) > 0, { what: 'a call in flight' });

  await server.stop();
  await new Promise((r) => setTimeout(r, 2000));
  server = await startTemporalDevServer(options);
  await assertAllAnalysedOnce(t, stack, organizationId);
});

t.test('PostgreSQL restarts mid-run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callsense-pg-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dir: join(dir, 'postgres'), port: await freePort(), persistent: true });
  let running = true;
  t.teardown(async () => {
    if (running) await pg.stop();
    await rm(pg.dataDir, { recursive: true, force: true });
  });
  await pg.createDatabase('callsense');
  const url = pg.urlFor('callsense');
  const orm = await createOrm(url);
  await migrateUp(orm);
  await orm.close();

  const stack = await startStack(t, { databaseUrl: url });
  stack.fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT, { delayMs: 1500 });
  const { organizationId, admin, secret, rep } = await deliverBurst(stack);
  await waitFor(() => stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT) > 0, { what: 'a call in flight' });

  running = false;
  await pg.stop();
  // While it is down, every route says so with 503 + Retry-After (providers and clients retry), never 500.
  const me = await as(stack.app, admin).get('/auth/me');
  t.equal(me.statusCode, 503, me.body);
  t.ok(Number(me.headers['retry-after']) > 0, 'auth/me says when to retry');
  t.match(me.json(), { statusCode: 503, error: 'Service Unavailable', message: /PostgreSQL is unavailable/ });
  const webhook = await deliverCall(stack.app, organizationId, secret, {
    callId: 'during-outage',
    userId: rep.user.id,
    lead: { externalId: 'lead-outage' },
    transcript: 'while the database is down',
  });
  t.equal(webhook.statusCode, 503, webhook.body);
  t.ok(Number(webhook.headers['retry-after']) > 0, 'the webhook says when to retry');
  const ready = await stack.app.inject({ method: 'GET', url: '/api/readyz' });
  t.equal(ready.statusCode, 503);
  t.equal(ready.json().checks.postgres, 'unavailable', 'readiness names PostgreSQL without error text');
  await pg.start();
  running = true;
  await assertAllAnalysedOnce(t, stack, organizationId);
});
