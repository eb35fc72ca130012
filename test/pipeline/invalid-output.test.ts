// Output that is not a JSON object is definite for the prompt version that gave it; when that is the built-in
// prompt (the last of the resolution line) the call ends `failed` with a clear error, a failed fold leaves its
// calls for the next one, and the lead's workflow keeps working. (A user's prompt falling back to the next in
// line is in prompt-line.test.ts.)
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { leadWorkflowId } from '../../src/temporal/ids.js';
import type { CallAnalysisResult } from '../../src/workflows/call-analysis.js';
import { SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { callPayload, createTenant, foldRecordOf, recordFolds, waitForCall, waitForLead } from '../support/calls.js';
import { leadState } from '../../src/temporal/starters.js';

t.test('non-JSON output fails that call or fold only; the lead keeps being analysed', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  recordFolds(stack);
  const deliver = async (callId: string) => {
    const res = await deliverCall(
      stack.app,
      tenant.organizationId,
      tenant.secret,
      callPayload(tenant.rep.user.id, { callId, leadExternalId: 'crm-odd' }),
    );
    t.equal(res.statusCode, 202, res.body);
    return res.json() as { id: string; workflowId: string };
  };

  // 1. Call A is analysed, but its fold gets prose instead of JSON.
  stack.fake.enqueue(SYSTEM_COMPLETE_PROMPT, { output: 'Sure! Here is the summary you asked for.' });
  const a = await deliver('odd-a');
  const callA = await waitForCall(tenant, a.id);
  t.equal(callA.status, 'analyzed');
  const leadWorkflow = stack.temporal.client.workflow.getHandle(leadWorkflowId(tenant.organizationId, callA.lead));
  await waitFor(async () => (await leadState(stack.temporal.client, leadWorkflow.workflowId)).folds === 1, {
    what: 'the failed fold',
  });
  t.equal(stack.fake.count(SYSTEM_COMPLETE_PROMPT), 1, 'the invalid fold output is not retried');
  t.equal(
    (await tenant.em().findOneOrFail(Lead, { id: callA.lead })).completeAnalysis,
    null,
    'no complete analysis from a failed fold',
  );
  t.equal((await tenant.em().findOneOrFail(Call, { id: a.id })).foldedAt, null, 'call A waits for the next fold');
  const { runId } = await leadWorkflow.describe();

  // 2. Call B's extraction answers with text that is not JSON.
  stack.fake.enqueue(SYSTEM_INDIVIDUAL_PROMPT, { output: 'not json' });
  const b = await deliver('odd-b');
  const callB = await waitForCall(tenant, b.id);
  t.equal(callB.status, 'failed');
  t.match(callB.error, /output is not JSON: "not json"/, 'a clear error');
  t.equal(callB.analysis, null);
  const result: CallAnalysisResult = await stack.temporal.client.workflow.getHandle(b.workflowId).result();
  t.match(
    result,
    { status: 'failed', error: /not JSON/ },
    'the workflow completes with the failure recorded (it does not hang or fail)',
  );

  // 3. Call C: the same lead workflow folds A and C together; B is never folded.
  const c = await deliver('odd-c');
  await waitForCall(tenant, c.id, ['analyzed']);
  const lead = await waitForLead(tenant, { id: callA.lead }, { what: 'the next fold' });
  t.same([...foldRecordOf(lead)!.callIds].sort(), ['odd-a', 'odd-c'], 'A and C folded, B (failed) not');
  const calls = await tenant.em().find(Call, { lead: lead.id }, { orderBy: { callId: 'asc' } });
  t.same(
    calls.map((call) => [call.callId, call.status, call.foldedAt !== null]),
    [
      ['odd-a', 'analyzed', true],
      ['odd-b', 'failed', false],
      ['odd-c', 'analyzed', true],
    ],
  );
  const after = await leadWorkflow.describe();
  t.equal(after.runId, runId, 'the same lead workflow run went on working');
  t.equal(after.status.name, 'RUNNING');
});
