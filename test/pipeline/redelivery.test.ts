// A crash between storing a call and starting its workflow loses nothing: the provider's redelivery
// (answered as a duplicate) still starts the analysis, exactly once.
import t from 'tap';
import { WorkflowNotFoundError } from '@temporalio/client';
import { storeCall } from '../../src/domain/calls/intake.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { callWorkflowId } from '../../src/temporal/ids.js';
import { SYSTEM_INDIVIDUAL_PROMPT, startStack } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { callPayload, createTenant, waitForCall } from '../support/calls.js';

t.test('a stored call whose workflow never started is analysed on redelivery', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const body = callPayload(tenant.rep.user.id, { callId: 'crashed-before-start' });

  // What the API had done when it died: the row is committed, no workflow exists.
  const stored = await storeCall(tenant.em(), tenant.organizationId, body);
  const workflowId = callWorkflowId(tenant.organizationId, 'crashed-before-start');
  await t.rejects(stack.temporal.client.workflow.getHandle(workflowId).describe(), WorkflowNotFoundError);

  const redelivered = await deliverCall(stack.app, tenant.organizationId, tenant.secret, body);
  t.equal(redelivered.statusCode, 202, redelivered.body);
  t.same(redelivered.json(), { id: stored.id, workflowId, duplicate: true });

  const call = await waitForCall(tenant, stored.id, ['analyzed']);
  t.equal(call.promptSource, 'system');
  const again = await deliverCall(stack.app, tenant.organizationId, tenant.secret, body);
  t.same(again.json(), { id: stored.id, workflowId, duplicate: true });
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 1, 'analysed once, however often it is delivered');
});

t.test('Temporal unreachable: 503 so the provider retries, the call is kept', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  await stack.temporal.connection.close();
  const res = await deliverCall(
    stack.app,
    tenant.organizationId,
    tenant.secret,
    callPayload(tenant.rep.user.id, { callId: 'temporal-down' }),
  );
  t.equal(res.statusCode, 503);
  t.match(res.json(), { statusCode: 503, error: 'Service Unavailable', message: /deliver it again/ });
  t.equal(
    (
      await tenant
        .em()
        .getConnection()
        .execute<{ n: number }[]>("select count(*)::int as n from calls where call_id = 'temporal-down'")
    )[0]!.n,
    1,
    'the call is stored',
  );
});

t.test('a redelivery with other lead details changes no lead and creates none', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const body = {
    ...callPayload(tenant.rep.user.id, { callId: 'same-call', leadExternalId: 'crm-first' }),
    lead: { externalId: 'crm-first', name: 'First Name', phone: '+1 555 0100' },
  };
  const first = await deliverCall(stack.app, tenant.organizationId, tenant.secret, body);
  t.equal(first.statusCode, 202);
  const again = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
    ...body,
    lead: { externalId: 'crm-other', name: 'Phantom', phone: '+1 555 0199', email: 'phantom@example.org' },
  });
  t.same(again.json(), { ...first.json(), duplicate: true });
  const leads = await tenant.em().find(Lead, {});
  t.same(
    leads.map((lead) => [lead.externalId, lead.name, lead.phone, lead.email, lead.callCount]),
    [['crm-first', 'First Name', '+1 555 0100', null, 1]],
  );
});
