// `npm run admin -- <command>`: each command against the test database and Temporal, run as its own process.
import t from 'tap';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AuditEvent } from '../../src/domain/audit/index.js';
import { startStack, type Stack } from '../support/harness.js';
import { bearer, deliverCall } from '../support/api.js';
import { callPayload, createTenant } from '../support/calls.js';
import { configureVapi, newVapiSecret } from '../support/providers.js';
import { Organization } from '../../src/domain/accounts/organization.entity.js';
import { openWebhookSecret } from '../../src/domain/accounts/webhook-secret-sealing.js';
import { Integration } from '../../src/domain/integrations/integration.entity.js';
import { credentialOf } from '../../src/domain/integrations/settings.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(stack: Stack, args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const env = { ...process.env, ...stack.env, LOG_LEVEL: 'silent', ...extraEnv };
  return new Promise((resolve) => {
    execFile(TSX, ['src/cli/main.ts', ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

t.test('the operator runs a closed deployment from the CLI', async (t) => {
  const stack = await startStack(t, { worker: false, env: { SIGNUP_MODE: 'closed' } });
  const { app } = stack;

  const help = await cli(stack, ['--help']);
  t.equal(help.code, 0);
  for (const name of [
    'create-organization',
    'create-user',
    'issue-token',
    'rotate-webhook-secret',
    'run-scoring',
    'reanalyze',
    'reseal',
  ]) {
    t.match(help.stdout, name, `--help lists ${name}`);
  }

  const adminEmail = `ops-${randomUUID()}@example.com`;
  const org = await cli(stack, ['create-organization', '--name', 'Acme', '--admin-email', adminEmail]);
  t.equal(org.code, 0, org.stderr);
  const created = JSON.parse(org.stdout);
  t.match(created, {
    organization: { id: String, name: 'Acme' },
    admin: { email: adminEmail, role: 'admin' },
    password: /^.{16,}$/,
  });
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: adminEmail, password: created.password },
  });
  t.equal(login.statusCode, 200, 'the printed password logs in');
  const adminToken = login.json().token;

  const repEmail = `rep-${randomUUID()}@example.com`;
  const user = await cli(stack, [
    'create-user',
    '--org',
    created.organization.id,
    '--email',
    repEmail,
    '--role',
    'user',
  ]);
  t.equal(user.code, 0, user.stderr);
  const rep = JSON.parse(user.stdout);
  t.match(rep, { user: { email: repEmail, role: 'user', organizationId: created.organization.id }, password: String });
  t.equal(
    (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: repEmail, password: rep.password } }))
      .statusCode,
    200,
  );

  const token = await cli(stack, ['issue-token', '--email', repEmail]);
  t.equal(token.code, 0, token.stderr);
  const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(JSON.parse(token.stdout).token) });
  t.equal(me.statusCode, 200, 'the issued token is accepted by the API');
  t.equal(me.json().email, repEmail);

  const before = (
    await app.inject({ method: 'GET', url: '/api/admin/webhook-secret', headers: bearer(adminToken) })
  ).json().webhookSecret;
  const rotated = await cli(stack, ['rotate-webhook-secret', '--org', created.organization.id]);
  t.equal(rotated.code, 0, rotated.stderr);
  const { webhookSecret, previousSecretValidUntil } = JSON.parse(rotated.stdout);
  t.not(webhookSecret, before);
  t.ok(Date.parse(previousSecretValidUntil) > Date.now());
  t.equal((await deliverCall(app, created.organization.id, webhookSecret, callPayload(rep.user.id))).statusCode, 202);
  t.equal(
    (await deliverCall(app, created.organization.id, before, callPayload(rep.user.id))).statusCode,
    202,
    'the old one in its grace window',
  );

  const scoring = await cli(stack, ['run-scoring', '--org', created.organization.id]);
  t.equal(scoring.code, 0, scoring.stderr);
  const [run] = JSON.parse(scoring.stdout).runs;
  t.equal(run.organizationId, created.organization.id);
  const described = await stack.temporal.client.workflow.getHandle(run.workflowId).describe();
  t.equal(described.type, 'weeklyScoringWorkflow', 'the scoring workflow was started in Temporal');

  const events = await stack.orm.em
    .fork()
    .find(AuditEvent, { organization: created.organization.id }, { filters: false, orderBy: { at: 'asc' } });
  const actions = events.map((e) => e.action);
  // The organization's two entries share a millisecond: their order between them is the id's.
  t.same(actions.slice(0, 2).sort(), ['organization.created', 'user.created']);
  t.same(
    actions.slice(2),
    ['user.created', 'token.issued', 'webhook_secret.shown', 'webhook_secret.rotated', 'scoring.run'],
    "the CLI's changes are audited",
  );
  const entry = (action: string, targetId: string) =>
    events.find((e) => e.action === action && e.targetId === targetId);
  t.match(
    entry('organization.created', created.organization.id),
    { actorId: null, details: { via: 'cli' } },
    'the CLI created the organization, not its admin',
  );
  t.match(entry('user.created', created.admin.id), { actorId: null, details: { via: 'cli', email: adminEmail } });
  t.match(entry('token.issued', rep.user.id), { actorId: null, details: { via: 'cli', email: repEmail } });
  t.match(entry('webhook_secret.shown', created.organization.id), { actorId: created.admin.id }, 'who saw the secret');

  const reanalyze = await cli(stack, ['reanalyze', '--org', created.organization.id, '--status', 'failed']);
  t.equal(reanalyze.code, 0, reanalyze.stderr);
  const started = JSON.parse(reanalyze.stdout);
  t.equal(started.total, 0, 'no failed calls in this organization');
  const reanalysis = await stack.temporal.client.workflow.getHandle(started.workflowId).describe();
  t.equal(reanalysis.type, 'reanalysisWorkflow', 'the bulk re-analysis was started in Temporal');
  t.match(started.workflowId, new RegExp(`^reanalysis:${created.organization.id}:`));
});

t.test('bad arguments exit non-zero with a message', async (t) => {
  const stack = await startStack(t, { worker: false });
  const cases: [string[], RegExp][] = [
    [[], /Usage/],
    [['launch-rockets'], /unknown command "launch-rockets"/],
    [['create-organization', '--name', 'Acme'], /--admin-email is required/],
    [['create-organization', '--name', 'Acme', '--admin-email', 'not-an-email'], /not an email address/],
    [
      ['create-organization', '--name', 'Acme', '--admin-email', 'a@example.com', '--password', 'short'],
      /at least 8|between 8/,
    ],
    [['create-user', '--org', randomUUID(), '--email', 'a@example.com', '--role', 'owner'], /--role/],
    [['create-user', '--org', randomUUID(), '--email', 'a@example.com', '--role', 'user'], /no organization/],
    [['create-user', '--org', 'acme', '--email', 'a@example.com', '--role', 'user'], /not an organization id/],
    [['issue-token', '--email', 'nobody@example.com'], /no user/],
    [['rotate-webhook-secret', '--org', randomUUID(), '--bogus', 'x'], /bogus/],
    [['run-scoring', 'extra'], /positional|Unexpected argument/i],
  ];
  for (const [args, message] of cases) {
    const run = await cli(stack, args);
    t.not(run.code, 0, `${args.join(' ') || '(nothing)'}: non-zero exit`);
    t.match(run.stderr + run.stdout, message, `${args.join(' ') || '(nothing)'}: says why`);
  }
});

t.test('reseal: every stored secret sealed again under the new key; the old key can then go', async (t) => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  const stack = await startStack(t, { worker: false, env: { CALLSENSE_ENCRYPTION_KEY: oldKey } });
  const tenant = await createTenant(stack);
  const plain = await createTenant(stack);
  const vapiSecret = newVapiSecret();
  await configureVapi(stack.app, tenant.admin, { secret: vapiSecret, defaultUserId: tenant.rep.user.id });
  // A secret stored in clear by an earlier version.
  await plain.em().nativeUpdate(Organization, { id: plain.organizationId }, { webhookSecret: plain.secret });

  const run = await cli(stack, ['reseal'], {
    CALLSENSE_ENCRYPTION_KEY: newKey,
    CALLSENSE_PREVIOUS_ENCRYPTION_KEYS: oldKey,
  });
  t.equal(run.code, 0, run.stderr);
  t.same(JSON.parse(run.stdout), {
    webhookSecrets: { resealed: 2, unreadable: [] },
    integrationCredentials: { resealed: 1, unreadable: [] },
  });

  const onlyNewKey = { key: Buffer.from(newKey, 'base64'), previousKeys: [] };
  for (const { organizationId, secret } of [tenant, plain]) {
    const org = await stack.orm.em.fork().findOneOrFail(Organization, { id: organizationId }, { filters: false });
    t.match(org.webhookSecret, /^v1\./, 'sealed');
    t.equal(openWebhookSecret(onlyNewKey, organizationId, org.webhookSecret), secret, 'opens with the new key alone');
  }
  const integration = await tenant.em().findOneOrFail(Integration, { provider: 'vapi' });
  t.equal(credentialOf(onlyNewKey, integration), vapiSecret);

  const again = await cli(stack, ['reseal'], { CALLSENSE_ENCRYPTION_KEY: newKey });
  t.equal(again.code, 0, again.stderr);
  t.match(JSON.parse(again.stdout), { webhookSecrets: { resealed: 0 }, integrationCredentials: { resealed: 0 } });

  const lost = await cli(stack, ['reseal'], { CALLSENSE_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  t.equal(lost.code, 1, 'values no configured key opens');
  t.match(lost.stderr, /open with none of the configured keys: add the key that sealed them/);
});
