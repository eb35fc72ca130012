// A call is never left behind: a run terminated half-way is healed by the provider's redelivery (a new run of
// the same workflow id), and a call whose workflow never started is found by the `call-reconciliation` run.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { storeCall } from '../../src/domain/calls/intake.js';
import { ensureReconciliationSchedule } from '../../src/worker/reconciliation-schedule.js';
import { SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { callPayload, createTenant, waitForCall } from '../support/calls.js';

t.test("terminate a call's workflow mid-analysis: the redelivery heals it", async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  stack.fake.enqueue(SYSTEM_INDIVIDUAL_PROMPT, { delayMs: 20_000 });
  const payload = callPayload(tenant.rep.user.id);
  const first = await deliverCall(stack.app, tenant.organizationId, tenant.secret, payload);
  const { id, workflowId } = first.json() as { id: string; workflowId: string };
  await waitForCall(tenant, id, ['analyzing']);
  await waitFor(() => stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT) === 1, { what: 'the slow request' });
  const handle = stack.temporal.client.workflow.getHandle(workflowId);
  const { runId } = await handle.describe();
  await handle.terminate('test: an operator stopped the run');

  const again = await deliverCall(stack.app, tenant.organizationId, tenant.secret, payload);
  t.equal(again.statusCode, 202);
  t.same(again.json(), { id, workflowId, duplicate: true });
  const call = await waitForCall(tenant, id, ['analyzed', 'failed']);
  t.equal(call.status, 'analyzed', call.error ?? '');
  const healed = await handle.describe();
  t.not(healed.runId, runId, 'a new run of the same workflow id');

  const third = await deliverCall(stack.app, tenant.organizationId, tenant.secret, payload);
  t.same(third.json(), { id, workflowId, duplicate: true });
  t.equal((await handle.describe()).runId, healed.runId, 'an analysed call is not run again by a redelivery');
});

t.test('a call whose start failed is started by the reconciliation run', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  // Stored, but its workflow was never started (Temporal was down and the provider never redelivered).
  const stuck = await storeCall(tenant.em(), tenant.organizationId, callPayload(tenant.rep.user.id));
  // The reconciliation schedule is one per namespace: the test runs its own copy against its own task queue.
  const scheduleId = await ensureReconciliationSchedule(stack.temporal.client, stack.config, {
    scheduleId: `call-reconciliation-test-${randomUUID()}`,
    minAgeSeconds: 0,
  });
  const schedule = stack.temporal.client.schedule.getHandle(scheduleId);
  t.teardown(() => schedule.delete());
  t.match(await schedule.describe(), { spec: { intervals: [{ every: 300_000 }] } }, 'every 5 minutes');
  await schedule.trigger();

  const call = await waitForCall(tenant, stuck.id, ['analyzed', 'failed']);
  t.equal(call.status, 'analyzed', call.error ?? '');
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 1, 'analysed once');
});
