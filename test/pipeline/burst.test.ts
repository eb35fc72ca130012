// leadAnalysisWorkflow under a burst: ten calls on one lead become at most two folds at OpenAI, and the
// complete analysis still reflects every call exactly once.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { leadWorkflowId } from '../../src/temporal/ids.js';
import { SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { callPayload, createTenant, foldRecordOf, recordFolds, waitForLead } from '../support/calls.js';
import { leadState } from '../../src/temporal/starters.js';

const CALLS = 10;

t.test('a burst of ten calls on one lead: at most two complete analyses, all ten folded once', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  recordFolds(stack);

  const callIds = Array.from({ length: CALLS }, (_, i) => `burst-${i}`);
  const responses = await Promise.all(
    callIds.map((callId, i) =>
      deliverCall(
        stack.app,
        tenant.organizationId,
        tenant.secret,
        callPayload(tenant.rep.user.id, { callId, leadExternalId: 'crm-burst', transcript: `call ${i}: interested` }),
      ),
    ),
  );
  t.ok(
    responses.every((r) => r.statusCode === 202),
    'all accepted',
  );

  const lead = await waitForLead(
    tenant,
    { externalId: 'crm-burst' },
    {
      ready: (row) => foldRecordOf(row)?.callIds.length === CALLS,
      timeoutMs: 60_000,
      what: 'all ten calls in the complete analysis',
    },
  );
  // Let a late fold (if the debounce were broken) show up before counting requests.
  await new Promise((r) => setTimeout(r, 3000));

  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), CALLS, 'one individual analysis per call');
  const folds = stack.fake.count(SYSTEM_COMPLETE_PROMPT);
  t.ok(folds >= 1 && folds <= 2, `${folds} complete-analysis request(s) for ${CALLS} calls`);
  const record = foldRecordOf(await tenant.em().findOneOrFail(Lead, { id: lead.id }))!;
  t.same([...record.callIds].sort(), [...callIds].sort(), 'every call folded exactly once');
  t.equal(record.folds, folds);
  t.equal(lead.callCount, CALLS);
  t.equal(await tenant.em().count(Call, { lead: lead.id, foldedAt: null }), 0, 'no call left unfolded');

  const leadWorkflow = stack.temporal.client.workflow.getHandle(leadWorkflowId(tenant.organizationId, lead.id));
  const state = await leadState(stack.temporal.client, leadWorkflow.workflowId);
  t.equal(state.pending, 0, 'the lead workflow has nothing pending');
  const { typedSearchAttributes } = await leadWorkflow.describe();
  const attribute = (name: string) => typedSearchAttributes.get({ name, type: 'KEYWORD' } as never);
  t.same(
    [attribute('OrganizationId'), attribute('UserId'), attribute('LeadId')],
    [tenant.organizationId, tenant.rep.user.id, lead.id],
    'the lead workflow carries the tenant search attributes',
  );
});
