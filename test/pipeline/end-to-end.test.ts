// The whole chain on real services: a signed webhook (HTTP) starts callAnalysisWorkflow on the Temporal
// server, its activities call the local OpenAI server and write to PostgreSQL, the lead workflow folds it.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import {
  DEFAULT_MODEL,
  SYSTEM_COMPLETE_PROMPT,
  SYSTEM_INDIVIDUAL_PROMPT,
  startStack,
  waitFor,
} from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { createTenant, localActivityTypes, waitForLead } from '../support/calls.js';

t.test('webhook → Temporal → OpenAI → PostgreSQL', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const { admin, rep, secret, em } = tenant;

  const res = await deliverCall(stack.app, admin.organization.id, secret, {
    callId: 'prov-call-1',
    userId: rep.user.id,
    lead: { externalId: 'crm-42', name: 'Ada Lovelace' },
    transcript: [
      { role: 'agent', content: 'Hello, are you interested?' },
      { role: 'lead', content: 'Yes, great product' },
    ],
    durationSeconds: 120,
  });
  t.equal(res.statusCode, 202, res.body);
  const { id, workflowId, duplicate } = res.json();
  t.equal(workflowId, `call:${admin.organization.id}:prov-call-1`);
  t.equal(duplicate, false);

  const call = await waitFor(
    async () => {
      const row = await em().findOne(Call, { id });
      return row?.status === 'analyzed' ? row : null;
    },
    { what: 'the call to be analysed' },
  );
  t.equal(call.promptId, SYSTEM_INDIVIDUAL_PROMPT);
  t.equal(call.promptSource, 'system');
  t.equal(call.model, DEFAULT_MODEL, 'the model the response reports');
  t.equal(call.promptVersion, 1);
  t.equal(call.fallbackReason, null, 'nothing configured was skipped');
  t.match(call.analysis, { sentiment: 'positive' });
  t.equal(
    stack.fake.requests.find((r) => r.promptKey === SYSTEM_INDIVIDUAL_PROMPT)?.input,
    'agent: Hello, are you interested?\nlead: Yes, great product',
    'turns become role: content lines',
  );

  const lead = await waitForLead(tenant, { id: call.lead }, { what: 'the complete lead analysis' });
  t.equal(lead.completeAnalysisPromptId, SYSTEM_COMPLETE_PROMPT);
  t.equal(lead.completeAnalysisModel, DEFAULT_MODEL);
  t.equal(lead.assignedTo, rep.user.id, "a new lead is assigned to the call's user");

  const history = await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = history.events
    ?.filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
  t.same(
    scheduled,
    ['extractCallAnalysis'],
    'the OpenAI step goes through the task queue (the analysis is stored by the activity that receives it)',
  );
  t.same(
    localActivityTypes(history.events ?? []),
    ['beginCallAnalysis', 'notifyLeadWorkflow'],
    'the bookkeeping steps are local activities, recorded as markers',
  );
  const extraction = history.events?.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'extractCallAnalysis',
  )?.activityTaskScheduledEventAttributes;
  t.equal(
    Number(extraction?.startToCloseTimeout?.seconds),
    stack.config.openai.timeoutMs / 1000 + 30,
    'an attempt may outlast OPENAI_TIMEOUT_MS',
  );
  t.equal(Number(extraction?.heartbeatTimeout?.seconds), 10, 'and heartbeats, so a dead worker is noticed in seconds');
  const description = await stack.temporal.client.workflow.getHandle(workflowId).describe();
  t.equal(
    description.typedSearchAttributes.get({ name: 'OrganizationId', type: 'KEYWORD' } as never),
    admin.organization.id,
  );
});
