// What every webhook route does before a delivery reaches the intake: one spelling of the organization id, the
// sender checked over the raw bytes before any JSON is parsed, failed authentications counted per client address
// and organization, and Vapi secrets long enough not to be guessed.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startStack } from '../support/harness.js';
import { as, callSignatureHeaders, deliverCall, postWebhook } from '../support/api.js';
import { callPayload, createTenant, waitForCall, waitForLead } from '../support/calls.js';
import { configureVapi, deliverVapi, newVapiSecret, vapiReport } from '../support/providers.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';

type Reply = { statusCode: number; headers: Record<string, unknown> };
function assertLimited(t: Test, res: Reply, what: string) {
  t.equal(res.statusCode, 429, what);
  t.match(res.headers['retry-after'], /^\d+$/, `${what}: Retry-After in seconds`);
}

t.test('an upper-case organization id in the path is the same organization, spelt once everywhere', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const lower = tenant.organizationId;
  const upper = lower.toUpperCase();
  const leadExternalId = `lead-${randomUUID()}`;

  const first = callPayload(tenant.rep.user.id, { leadExternalId });
  const viaUpper = await deliverCall(stack.app, upper, tenant.secret, first);
  t.equal(viaUpper.statusCode, 202, viaUpper.body);
  t.equal(viaUpper.json().workflowId, `call:${lower}:${first.callId}`, 'the workflow id uses the lowercase id');
  const again = await deliverCall(stack.app, lower, tenant.secret, first);
  t.same(again.json(), { ...viaUpper.json(), duplicate: true }, 'the same call by the other spelling is a duplicate');

  const second = callPayload(tenant.rep.user.id, { leadExternalId });
  const viaLower = await deliverCall(stack.app, lower, tenant.secret, second);
  t.equal(viaLower.statusCode, 202);
  await waitForCall(tenant, viaUpper.json().id);
  await waitForCall(tenant, viaLower.json().id);
  const lead = await waitForLead(tenant, { externalId: leadExternalId });
  t.equal(await tenant.em().count(Lead, { externalId: leadExternalId }), 1, 'one lead row');

  const { client } = stack.temporal;
  const leadRun = await client.workflow.getHandle(`lead:${lower}:${lead.id}`).describe();
  t.equal(leadRun.searchAttributes.OrganizationId?.[0], lower, 'the search attribute is lowercase');
  await t.rejects(
    client.workflow.getHandle(`lead:${upper}:${lead.id}`).describe(),
    WorkflowNotFoundError,
    'no second lead workflow under the upper-case spelling',
  );
  const callRun = await client.workflow.getHandle(`call:${lower}:${first.callId}`).describe();
  t.equal(callRun.searchAttributes.OrganizationId?.[0], lower);
});

t.test('the organization and the signature are checked before the body is parsed', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const marker = `marker-${randomUUID()}`;
  const raw = JSON.stringify({ ...callPayload(tenant.rep.user.id), metadata: { marker } });
  const parsed: string[] = [];
  const parse = JSON.parse;
  JSON.parse = ((text: string, reviver?: Parameters<typeof parse>[1]) => {
    if (typeof text === 'string' && text.includes(marker)) parsed.push(text);
    return parse(text, reviver);
  }) as typeof JSON.parse;
  t.teardown(() => {
    JSON.parse = parse;
  });

  const forged = await postWebhook(
    stack.app,
    'calls',
    tenant.organizationId,
    raw,
    callSignatureHeaders('whsec_x', raw),
  );
  t.equal(forged.statusCode, 401);
  const unknown = await postWebhook(stack.app, 'calls', randomUUID(), raw, callSignatureHeaders(tenant.secret, raw));
  t.equal(unknown.statusCode, 404);
  t.same(parsed, [], 'no JSON.parse of a body whose sender is not authenticated');

  const signed = await postWebhook(
    stack.app,
    'calls',
    tenant.organizationId,
    raw,
    callSignatureHeaders(tenant.secret, raw),
  );
  t.equal(signed.statusCode, 202, signed.body);
  t.equal(parsed.length, 1, 'parsed once the signature checked out');
  JSON.parse = parse;

  const broken = '{"callId": ';
  const notJson = await postWebhook(
    stack.app,
    'calls',
    tenant.organizationId,
    broken,
    callSignatureHeaders(tenant.secret, broken),
  );
  t.equal(notJson.statusCode, 400, 'a signed body that is not JSON is a 400, after the signature');
});

t.test('failed authentications: past 30 a minute per client address and organization → 429', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const other = await createTenant(stack);
  const from = (remoteAddress: string, organizationId: string, secret: string, userId = tenant.rep.user.id) => {
    const raw = JSON.stringify(callPayload(userId));
    return stack.app.inject({
      method: 'POST',
      url: `/api/webhooks/calls/${organizationId}`,
      remoteAddress,
      headers: { 'content-type': 'application/json', ...callSignatureHeaders(secret, raw) },
      payload: raw,
    });
  };
  // Both spellings of the id count against one budget.
  for (let i = 0; i < 30; i++) {
    const id = i % 2 ? tenant.organizationId : tenant.organizationId.toUpperCase();
    t.equal((await from('10.9.0.1', id, 'whsec_forged')).statusCode, 401, `forged ${i + 1}`);
  }
  assertLimited(t, await from('10.9.0.1', tenant.organizationId, 'whsec_forged'), 'the 31st forged delivery');
  assertLimited(t, await from('10.9.0.1', tenant.organizationId, tenant.secret), 'even signed, from that address');
  t.equal((await from('10.9.0.2', tenant.organizationId, tenant.secret)).statusCode, 202, 'another address');
  t.equal(
    (await from('10.9.0.1', other.organizationId, other.secret, other.rep.user.id)).statusCode,
    202,
    'another organization',
  );

  // Unknown organizations count too: a scan of ids is stopped the same way.
  const nobody = randomUUID();
  for (let i = 0; i < 30; i++) t.equal((await from('10.9.0.3', nobody, 'whsec_x')).statusCode, 404);
  assertLimited(t, await from('10.9.0.3', nobody, 'whsec_x'), 'the 31st delivery to an unknown organization');

  // Provider routes share the rule.
  const secret = newVapiSecret();
  await configureVapi(stack.app, tenant.admin, { secret, defaultUserId: tenant.rep.user.id });
  const vapi = (remoteAddress: string, sent: string) =>
    stack.app.inject({
      method: 'POST',
      url: `/api/webhooks/vapi/${tenant.organizationId}`,
      remoteAddress,
      headers: { 'content-type': 'application/json', 'x-vapi-secret': sent },
      payload: JSON.stringify(vapiReport()),
    });
  for (let i = 0; i < 30; i++) t.equal((await vapi('10.9.0.4', `${secret}x`)).statusCode, 401);
  assertLimited(t, await vapi('10.9.0.4', secret), 'Vapi: the right secret after 30 wrong ones');
  t.equal((await deliverVapi(stack.app, tenant.organizationId, secret, vapiReport())).statusCode, 202);
});

t.test('a Vapi secret has at least 24 characters', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const integrations = as(stack.app, tenant.admin);
  const short = await integrations.put('/admin/integrations/vapi', {
    secret: 'x'.repeat(23),
    defaultUserId: tenant.rep.user.id,
  });
  t.equal(short.statusCode, 400);
  t.match(short.json(), { statusCode: 400, details: { 'body.secret': String } });
  const enough = await integrations.put('/admin/integrations/vapi', {
    secret: 'x'.repeat(24),
    defaultUserId: tenant.rep.user.id,
  });
  t.equal(enough.statusCode, 200);
});
