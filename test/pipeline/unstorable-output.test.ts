// Output PostgreSQL would refuse (a NUL character, a model name longer than its column) is checked before it is
// written, as a definite failure of the prompt version that gave it: a user's prompt gives way to the built-in
// at once, the built-in's own fails the call with a clear error; nothing wedges in `analyzing`.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { SYSTEM_INDIVIDUAL_PROMPT, startStack } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { exampleOutput } from '../support/fake-openai.js';
import { callPayload, createTenant, setUserPrompts, waitForCall } from '../support/calls.js';
import { createTestPrompt } from '../support/prompts.js';

const schemaOf = (body: Record<string, unknown>) =>
  (body.text as { format: { schema: Record<string, unknown> } }).format.schema;

t.test('NUL in the output, an over-long model name: settled within seconds, the worker healthy', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const deliver = async () => {
    const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
    t.equal(res.statusCode, 202, res.body);
    return res.json() as { id: string; workflowId: string };
  };

  // Everything else matches the schema: only the NUL is wrong.
  stack.fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT, {
    respond: (input, body) =>
      JSON.stringify({ ...(exampleOutput(schemaOf(body), input) as object), summary: 'before\u0000after' }),
  });
  let started = Date.now();
  const nul = await waitForCall(tenant, (await deliver()).id, ['analyzed', 'failed'], 20_000);
  t.equal(nul.status, 'failed');
  t.equal(nul.error, "The prompt's output contains a NUL character (\\u0000), which cannot be stored");
  t.ok(Date.now() - started < 15_000, `failed in ${Date.now() - started} ms`);
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 1, 'not retried');
  stack.fake.removePrompt(SYSTEM_INDIVIDUAL_PROMPT);

  const longModel = await createTestPrompt(tenant, { createdBy: tenant.rep });
  stack.fake.definePrompt(longModel, { model: 'm'.repeat(200) });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: longModel });
  started = Date.now();
  const long = await waitForCall(tenant, (await deliver()).id, ['analyzed', 'failed'], 20_000);
  t.equal(long.status, 'analyzed', 'the built-in answered instead');
  t.match(long, { promptId: SYSTEM_INDIVIDUAL_PROMPT, promptSource: 'system' });
  t.match(long.fallbackReason, /model name that cannot be stored \(at most 128 characters\)/);
  t.ok(Date.now() - started < 15_000, `settled in ${Date.now() - started} ms`);
  t.equal(stack.fake.count(longModel), 1, 'not retried');

  await setUserPrompts(tenant, tenant.rep.user.id, { individual: null });
  const fine = await waitForCall(tenant, (await deliver()).id, ['analyzed', 'failed'], 20_000);
  t.equal(fine.status, 'analyzed', 'the next call is analysed as usual');
  t.equal(await tenant.em().count(Call, { status: 'analyzing' }), 0, 'nothing wedged in analyzing');
});
