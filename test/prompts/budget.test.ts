// The daily OpenAI token budget on the real stack: every answer's usage is recorded once per organization and
// UTC day; past the budget a delivered call waits in `queued` saying until when, on-demand runs answer 429 with
// Retry-After, and `/admin/usage` reports the day with its cost. Another organization is not affected.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { as, deliverCall } from '../support/api.js';
import { callPayload, createTenant, waitForCall } from '../support/calls.js';
import { startStack, waitFor } from '../support/harness.js';

t.test('past the budget calls wait, runs answer 429, usage is reported once per answer', async (t) => {
  // One analysis with the built-in prompt spends more than 300 tokens (its instructions alone are longer).
  const stack = await startStack(t, { env: { OPENAI_TOKEN_BUDGET_PER_DAY: '300' } });
  const tenant = await createTenant(stack);
  const admin = as(stack.app, tenant.admin);

  const first = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  t.equal(first.statusCode, 202);
  const analyzed = await waitForCall(tenant, first.json().id, ['analyzed', 'failed']);
  t.equal(analyzed.status, 'analyzed', 'the first call runs: the budget was not spent yet');

  const usage = await waitFor(async () => {
    const body = (await admin.get('/admin/usage')).json();
    return body.today.inputTokens > 0 ? body : null;
  });
  t.equal(usage.budgetTokens, 300);
  t.equal(usage.days.length, 30);
  t.ok(usage.today.costUsd > 0, 'priced with the built-in price of the default model');
  const tomorrow = new Date();
  tomorrow.setUTCHours(24, 0, 0, 0);
  t.equal(usage.resetsAt, tomorrow.toISOString(), 'the budget comes back at the next UTC midnight');
  const [recorded] = await stack.orm.em.getConnection().execute<{ input: string; analysed: string }[]>(
    `select (select input_tokens from openai_usage_days where organization_id = ?) as input,
            (select sum(input_tokens) from analyses where organization_id = ?) as analysed`,
    [tenant.organizationId, tenant.organizationId],
  );
  t.equal(Number(recorded!.input), Number(recorded!.analysed), 'each stored answer counted once');

  const requestsBefore = stack.fake.requests.length;
  const second = await deliverCall(stack.app, tenant.organizationId, tenant.secret, callPayload(tenant.rep.user.id));
  t.equal(second.statusCode, 202, 'the call is accepted all the same');
  const waiting = await waitFor(async () => {
    const call = await tenant.em().findOne(Call, { id: second.json().id });
    return call?.error ? call : null;
  });
  t.equal(waiting.status, 'queued');
  t.match(
    waiting.error,
    new RegExp(`budget of 300 tokens for today is spent: OpenAI work waits until ${tomorrow.toISOString()}`),
  );

  const run = await admin.post('/prompts/run', { prompt: 'prm_systemindividual', transcript: 'customer: hello' });
  t.equal(run.statusCode, 429);
  t.ok(Number(run.headers['retry-after']) > 0, 'Retry-After until the next UTC day');
  t.equal(stack.fake.requests.length, requestsBefore, 'nothing more was sent to OpenAI');

  const other = await createTenant(stack);
  const elsewhere = await deliverCall(stack.app, other.organizationId, other.secret, callPayload(other.rep.user.id));
  t.equal(
    (await waitForCall(other, elsewhere.json().id)).status,
    'analyzed',
    'another organization has its own budget',
  );
});
