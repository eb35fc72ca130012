// The signed call webhook: repeated and concurrent deliveries analyse a call once, rejected
// deliveries store and start nothing, and the response never waits for OpenAI.
import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { callWorkflowId } from '../../src/temporal/ids.js';
import { SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack } from '../support/harness.js';
import { callSignatureHeaders, deliverCall, postWebhook, signup } from '../support/api.js';
import { callPayload, createTenant, rowCounts, waitForCall, waitForLead } from '../support/calls.js';

t.test('the same call delivered three times at once is stored, started and analysed once', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const body = callPayload(tenant.rep.user.id, { callId: 'dup-1', leadExternalId: 'crm-dup' });

  const responses = await Promise.all(
    [1, 2, 3].map(() => deliverCall(stack.app, tenant.organizationId, tenant.secret, body)),
  );
  for (const res of responses) t.equal(res.statusCode, 202, res.body);
  const answers = responses.map((res) => res.json());
  const workflowId = callWorkflowId(tenant.organizationId, 'dup-1');
  t.same(new Set(answers.map((a) => a.id)).size, 1, 'one call id for all three');
  t.ok(
    answers.every((a) => a.workflowId === workflowId),
    'the documented workflow id',
  );
  t.same(answers.map((a) => a.duplicate).sort(), [false, true, true], 'two of three are duplicates');

  const call = await waitForCall(tenant, answers[0].id, ['analyzed']);
  await waitForLead(tenant, { id: call.lead }, { what: 'the fold' });

  const later = await deliverCall(stack.app, tenant.organizationId, tenant.secret, body);
  t.equal(later.statusCode, 202);
  t.same(
    later.json(),
    { id: call.id, workflowId, duplicate: true },
    'a redelivery after the analysis answers the same',
  );

  t.same(await rowCounts(stack), { calls: 1, leads: 1 });
  t.equal((await tenant.em().findOneOrFail(Lead, { id: call.lead })).callCount, 1, 'the lead counts the call once');
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 1, 'exactly one individual analysis at OpenAI');
  t.equal(stack.fake.count(SYSTEM_COMPLETE_PROMPT), 1, 'exactly one fold at OpenAI');

  const runs = [];
  for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runs.push(run);
  t.equal(runs.length, 1, 'one workflow run');
  const description = await stack.temporal.client.workflow.getHandle(workflowId).describe();
  const attribute = (name: string) => description.typedSearchAttributes.get({ name, type: 'KEYWORD' } as never);
  t.equal(attribute('OrganizationId'), tenant.organizationId);
  t.equal(attribute('UserId'), tenant.rep.user.id);
  t.equal(attribute('LeadId'), call.lead);
  t.same(
    description.memo ?? {},
    {},
    'no memo: names and e-mails stay out of Temporal (ids are in the search attributes)',
  );
});

t.test('rejected deliveries store nothing and start nothing', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const other = await signup(stack.app);
  const orgId = tenant.organizationId;
  const now = Math.floor(Date.now() / 1000);
  const post = (organizationId: string, raw: string, headers: Record<string, string>) =>
    postWebhook(stack.app, 'calls', organizationId, raw, headers);
  const signed = (secret: string, raw: string, timestamp = now) => callSignatureHeaders(secret, raw, timestamp);
  const raw = (callId: string, overrides: Record<string, unknown> = {}) =>
    JSON.stringify({ ...callPayload(tenant.rep.user.id, { callId }), ...overrides });

  const unknownOrg = randomUUID();
  const cases = [
    {
      name: 'missing signature',
      callId: 'r-missing',
      org: orgId,
      status: 401,
      send: (r: string) => post(orgId, r, {}),
    },
    {
      name: 'missing timestamp',
      callId: 'r-no-ts',
      org: orgId,
      status: 401,
      send: (r: string) =>
        post(orgId, r, { 'x-callsense-signature': signed(tenant.secret, r)['x-callsense-signature'] }),
    },
    {
      name: 'forged signature',
      callId: 'r-forged',
      org: orgId,
      status: 401,
      send: (r: string) => post(orgId, r, signed(randomBytes(32).toString('hex'), r)),
    },
    {
      name: 'body altered after signing',
      callId: 'r-altered',
      org: orgId,
      status: 401,
      send: (r: string) => post(orgId, r.replace('interested', 'not keen'), signed(tenant.secret, r)),
    },
    {
      name: 'stale timestamp',
      callId: 'r-stale',
      org: orgId,
      status: 401,
      send: (r: string) => post(orgId, r, signed(tenant.secret, r, now - 3600)),
    },
    {
      name: 'unknown organization',
      callId: 'r-unknown-org',
      org: unknownOrg,
      status: 404,
      send: (r: string) => post(unknownOrg, r, signed(tenant.secret, r)),
    },
    {
      name: 'user of another organization',
      callId: 'r-foreign-user',
      org: orgId,
      status: 422,
      body: { userId: other.user.id },
      send: (r: string) => post(orgId, r, signed(tenant.secret, r)),
    },
    {
      name: 'invalid body',
      callId: 'r-invalid',
      org: orgId,
      status: 400,
      body: { transcript: [], lead: { name: 'no externalId' } },
      send: (r: string) => post(orgId, r, signed(tenant.secret, r)),
    },
    {
      name: 'unknown field',
      callId: 'r-extra',
      org: orgId,
      status: 400,
      body: { priority: 'high' },
      send: (r: string) => post(orgId, r, signed(tenant.secret, r)),
    },
  ];
  for (const c of cases) {
    const res = await c.send(raw(c.callId, c.body));
    t.equal(res.statusCode, c.status, `${c.name}: ${res.body}`);
    t.match(res.json(), { statusCode: c.status, error: String, message: String }, `${c.name}: the error shape`);
  }
  const notJson = '{"callId": "r-not-json", ';
  const res = await post(orgId, notJson, signed(tenant.secret, notJson));
  t.equal(res.statusCode, 400, 'a signed body that is not JSON');

  t.same(await rowCounts(stack), { calls: 0, leads: 0 }, 'no call or lead stored');
  for (const c of [...cases, { org: orgId, callId: 'r-not-json' }]) {
    await t.rejects(
      stack.temporal.client.workflow.getHandle(callWorkflowId(c.org, c.callId)).describe(),
      WorkflowNotFoundError,
      `no workflow for ${c.callId}`,
    );
  }
});

t.test('the webhook answers before OpenAI does', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  stack.fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT, { delayMs: 3000 });

  const started = Date.now();
  const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  const elapsed = Date.now() - started;
  t.equal(res.statusCode, 202, res.body);
  t.ok(elapsed < 1500, `answered in ${elapsed} ms while the analysis takes 3 s`);
  const call = await waitForCall(tenant, res.json().id, ['analyzed']);
  t.ok(call.analyzedAt!.getTime() - started >= 3000, 'the analysis finished after the slow model answered');
});
