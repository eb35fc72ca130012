// Output PostgreSQL would refuse (a NUL character, a model name longer than its column) is checked before it is
// written: the call fails at once with a clear error instead of wedging in `analyzing`, and the worker goes on.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { SYSTEM_INDIVIDUAL_PROMPT, startStack } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { callPayload, createTenant, setUserPrompts, waitForCall } from '../support/calls.js';

t.test('NUL in the output, an over-long model name: failed within seconds, the worker healthy', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const deliver = async () => {
    const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
    t.equal(res.statusCode, 202, res.body);
    return res.json() as { id: string; workflowId: string };
  };

  stack.fake.enqueue(SYSTEM_INDIVIDUAL_PROMPT, { output: JSON.stringify({ summary: 'before\u0000after' }) });
  let started = Date.now();
  const nul = await waitForCall(tenant, (await deliver()).id, ['analyzed', 'failed'], 20_000);
  t.equal(nul.status, 'failed');
  t.equal(nul.error, "The prompt's output contains a NUL character (\\u0000), which cannot be stored");
  t.ok(Date.now() - started < 15_000, `failed in ${Date.now() - started} ms`);
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 1, 'not retried');

  stack.fake.definePrompt('pmpt_long_model', { model: 'm'.repeat(200) });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: 'pmpt_long_model' });
  started = Date.now();
  const long = await waitForCall(tenant, (await deliver()).id, ['analyzed', 'failed'], 20_000);
  t.equal(long.status, 'failed');
  t.match(long.error, /model name that cannot be stored \(at most 128 characters\)/);
  t.ok(Date.now() - started < 15_000, `failed in ${Date.now() - started} ms`);
  t.equal(stack.fake.count('pmpt_long_model'), 1, 'not retried');

  await setUserPrompts(tenant, tenant.rep.user.id, { individual: null });
  const fine = await waitForCall(tenant, (await deliver()).id, ['analyzed', 'failed'], 20_000);
  t.equal(fine.status, 'analyzed', 'the next call is analysed as usual');
  t.equal(await tenant.em().count(Call, { status: 'analyzing' }), 0, 'nothing wedged in analyzing');
});
