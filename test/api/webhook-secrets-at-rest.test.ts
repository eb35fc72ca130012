// The organization's webhook secrets are sealed at rest like the provider credentials: a database dump does not let
// anyone sign deliveries. Values stored before (in clear, or under the key earlier versions derived from JWT_SECRET)
// keep working and are sealed under the current key by the start-up step. Showing the secret is audited; a leaked
// one can be revoked at once.
import t from 'tap';
import { hkdfSync } from 'node:crypto';
import { startStack } from '../support/harness.js';
import { as, deliverCall } from '../support/api.js';
import { callPayload, createTenant } from '../support/calls.js';
import { Organization } from '../../src/domain/accounts/organization.entity.js';
import { sealStoredWebhookSecrets } from '../../src/domain/accounts/webhook-secret.js';
import { forgetWebhookSecrets } from '../../src/domain/accounts/webhook-secrets-cache.js';
import { seal } from '../../src/domain/secrets/sealed.js';

t.test('webhook secrets are sealed in the database, and what earlier versions stored still works', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const stored = async () =>
    stack.orm.em.fork().findOneOrFail(Organization, { id: tenant.organizationId }, { filters: false });

  const row = await stored();
  t.match(row.webhookSecret, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/, 'sealed');
  t.notOk(row.webhookSecret.includes(tenant.secret.slice(6)), 'the secret is not in the row');
  const deliver = (secret: string) =>
    deliverCall(stack.app, tenant.organizationId, secret, callPayload(tenant.rep.user.id));
  t.equal((await deliver(tenant.secret)).statusCode, 202);

  // Stored in clear by an earlier version (the current one, and the previous one in its grace window).
  const old = 'whsec_stored-in-clear-by-an-earlier-version';
  await tenant.em().nativeUpdate(
    Organization,
    { id: tenant.organizationId },
    {
      webhookSecret: tenant.secret,
      previousWebhookSecret: old,
      previousWebhookSecretValidUntil: new Date(Date.now() + 60_000),
    },
  );
  forgetWebhookSecrets(tenant.organizationId);
  t.equal((await deliver(tenant.secret)).statusCode, 202, 'a plain-text secret still verifies until it is sealed');
  t.equal((await deliver(old)).statusCode, 202);
  const report = await sealStoredWebhookSecrets(stack.orm.em, stack.config.encryption);
  t.ok(report.resealed >= 1);
  const sealed = await stored();
  t.match(sealed.webhookSecret, /^v1\./, 'the start-up step sealed it');
  t.match(sealed.previousWebhookSecret, /^v1\./, 'and the previous one');
  t.equal((await deliver(tenant.secret)).statusCode, 202);
  t.equal((await deliver(old)).statusCode, 202);

  // Sealed under the key earlier versions derived from JWT_SECRET: a previous key, so it still opens.
  const legacyKey = Buffer.from(
    hkdfSync('sha256', stack.env.JWT_SECRET!, 'callsense', 'callsense sealed secrets v1', 32),
  );
  const legacy = seal(legacyKey, tenant.secret, `organization:${tenant.organizationId}:webhook-secret`);
  await tenant.em().nativeUpdate(Organization, { id: tenant.organizationId }, { webhookSecret: legacy });
  forgetWebhookSecrets(tenant.organizationId);
  t.equal((await deliver(tenant.secret)).statusCode, 202, 'sealed with the JWT-derived key of earlier versions');
  t.equal((await as(stack.app, tenant.admin).get('/admin/webhook-secret')).json().webhookSecret, tenant.secret);
  await sealStoredWebhookSecrets(stack.orm.em, stack.config.encryption);
  t.not((await stored()).webhookSecret, legacy, 'sealed again under the current key');
  t.equal((await deliver(tenant.secret)).statusCode, 202);
});

t.test('showing the secret is audited; revokePrevious ends the previous secret at once', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const admin = as(stack.app, tenant.admin);
  const deliver = (secret: string) =>
    deliverCall(stack.app, tenant.organizationId, secret, callPayload(tenant.rep.user.id));

  const audit = (await admin.get('/admin/audit?limit=10')).json().items as { action: string; actor: unknown }[];
  const shown = audit.filter((item) => item.action === 'webhook_secret.shown');
  t.equal(shown.length, 1, 'createTenant read the secret once');
  t.match(shown[0], { actor: { id: tenant.admin.user.id, email: tenant.admin.user.email } });

  const graceful = await admin.post('/admin/webhook-secret/rotate', {});
  t.equal(graceful.statusCode, 200);
  t.ok(Date.parse(graceful.json().previousSecretValidUntil) > Date.now());
  t.equal((await deliver(tenant.secret)).statusCode, 202, 'the previous secret in its grace window');

  const revoked = await admin.post('/admin/webhook-secret/rotate', { revokePrevious: true });
  t.equal(revoked.statusCode, 200);
  t.equal(revoked.json().previousSecretValidUntil, null);
  t.equal((await deliver(graceful.json().webhookSecret)).statusCode, 401, 'the previous secret stops at once');
  t.equal((await deliver(tenant.secret)).statusCode, 401);
  t.equal((await deliver(revoked.json().webhookSecret)).statusCode, 202);
  const row = await tenant.em().findOneOrFail(Organization, { id: tenant.organizationId });
  t.equal(row.previousWebhookSecret, null);
  t.equal(row.previousWebhookSecretValidUntil, null);
  const entry = (await admin.get('/admin/audit?limit=1')).json().items[0];
  t.match(entry, {
    action: 'webhook_secret.rotated',
    details: { revokedPrevious: true, previousSecretValidUntil: null },
  });

  t.equal((await admin.post('/admin/webhook-secret/rotate', { revokePrevious: 'yes' })).statusCode, 400);
});
