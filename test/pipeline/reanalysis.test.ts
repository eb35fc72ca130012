// Re-analysis on request: one call (owner or admin; 409 while its run is open) or an organization's calls in
// bulk with progress from the workflow. Every analysis is kept; the call shows the latest; the lead is re-folded.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { storeCall } from '../../src/domain/calls/intake.js';
import { addVersion, setLabel } from '../../src/domain/prompts/prompt-library.js';
import { SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor } from '../support/harness.js';
import { addUser, as, deliverCall, type Account } from '../support/api.js';
import {
  callPayload,
  createTenant,
  foldRecordOf,
  recordFolds,
  setUserPrompts,
  waitForCall,
  waitForLead,
} from '../support/calls.js';
import { PRODUCTION_LABEL, createTestPrompt, testVersion } from '../support/prompts.js';

t.test(
  'a failed call is re-analysed after its prompt is fixed; every analysis is kept, the lead re-folded',
  async (t) => {
    const stack = await startStack(t);
    const tenant = await createTenant(stack);
    recordFolds(stack);
    // Version 1 of the rep's prompt answers prose, and so (once) does the built-in it falls back to: the call fails.
    const prose = () => 'Here is my analysis: the lead liked it.';
    const repPrompt = await createTestPrompt(tenant, { createdBy: tenant.rep });
    stack.fake.definePrompt(`${repPrompt}@1`, { respond: prose });
    stack.fake.enqueue(SYSTEM_INDIVIDUAL_PROMPT, { output: prose() });
    await setUserPrompts(tenant, tenant.rep.user.id, { individual: repPrompt });
    const res = await deliverCall(
      stack.app,
      tenant.organizationId,
      tenant.secret,
      callPayload(tenant.rep.user.id, { callId: 'again-1' }),
    );
    const { id, workflowId } = res.json() as { id: string; workflowId: string };
    const failed = await waitForCall(tenant, id);
    t.equal(failed.status, 'failed');
    t.match(failed.error, /not JSON/, "the built-in's own failure");
    t.equal(stack.fake.count(`${repPrompt}@1`), 1, 'the user prompt was tried once, then the built-in');
    const reanalyze = (account: Account) => as(stack.app, account).post(`/calls/${id}/reanalyze`);

    const stranger = await addUser(stack.app, tenant.admin);
    t.equal((await reanalyze(stranger)).statusCode, 404, 'another user of the organization cannot see the call');

    // The prompt is fixed: version 2, on another model, becomes production; the owner asks for a new analysis.
    const actor = { id: tenant.rep.user.id, email: tenant.rep.user.email, role: tenant.rep.user.role };
    await addVersion(tenant.em(), { promptId: repPrompt, actor, version: testVersion({ model: 'gpt-5-mini' }) });
    await setLabel(tenant.em(), { promptId: repPrompt, label: PRODUCTION_LABEL, version: 2, actor });
    const first = await reanalyze(tenant.rep);
    t.equal(first.statusCode, 202, first.body);
    t.same(first.json(), { id, workflowId });
    const fixed = await waitFor(
      async () => {
        const row = await tenant.em().findOne(Call, { id });
        return row?.status === 'analyzed' ? row : null;
      },
      { what: 'the re-analysis' },
    );
    t.match(fixed, {
      promptId: repPrompt,
      promptVersion: 2,
      promptSource: 'user',
      model: 'gpt-5-mini',
      fallbackReason: null,
      error: null,
    });
    const lead = await waitForLead(tenant, { id: fixed.lead }, { what: 'the first fold' });
    t.same(foldRecordOf(lead)!.callIds, ['again-1']);

    // An admin re-analyses it again, slowly: a second request meanwhile is a conflict.
    stack.fake.enqueue(repPrompt, { delayMs: 3000 });
    t.equal((await reanalyze(tenant.admin)).statusCode, 202);
    const busy = await reanalyze(tenant.rep);
    t.equal(busy.statusCode, 409, busy.body);
    t.match(busy.json(), { statusCode: 409, error: 'Conflict', message: /being analysed/ });
    const refolded = await waitForLead(
      tenant,
      { id: fixed.lead },
      {
        ready: (row) => foldRecordOf(row)?.folds === 2,
        what: 'the lead to be folded again',
      },
    );
    t.same(foldRecordOf(refolded)!.callIds, ['again-1', 'again-1'], 'the new analysis is folded in');

    const analyses = await as(stack.app, tenant.rep).get(`/calls/${id}/analyses`);
    t.equal(analyses.statusCode, 200);
    const list = analyses.json() as {
      analysis: object;
      promptId: string;
      promptSource: string;
      promptVersion: number;
      model: string;
      usage: { inputTokens: number; outputTokens: number };
      createdAt: string;
    }[];
    t.equal(list.length, 2, 'both analyses are listed (the failed run produced none)');
    t.ok(list[0]!.createdAt >= list[1]!.createdAt, 'newest first');
    for (const entry of list) {
      t.match(entry, {
        promptId: repPrompt,
        promptSource: 'user',
        promptVersion: 2,
        model: 'gpt-5-mini',
        usage: { inputTokens: Number, outputTokens: Number },
      });
    }
    const answered = stack.fake.requests
      .filter((r) => r.promptRef === `${repPrompt}@2` && r.usage)
      .slice(-2)
      .reverse();
    t.same(
      list.map((entry) => entry.usage),
      answered.map((r) => r.usage),
      'usage as OpenAI reported it',
    );
  },
);

t.test('bulk re-analysis of 50 calls: progress from the workflow until completed', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const em = tenant.em();
  for (let i = 0; i < 50; i++) {
    const stored = await storeCall(
      em,
      tenant.organizationId,
      callPayload(tenant.rep.user.id, { leadExternalId: 'bulk-lead', transcript: `agent: bulk ${i}` }),
    );
    await em.nativeUpdate(
      Call,
      { id: stored.id },
      { status: i % 2 ? 'failed' : 'analyzed', error: i % 2 ? 'OpenAI error 503' : null },
    );
  }
  const start = await as(stack.app, tenant.admin).post('/admin/calls/reanalyze', {});
  t.equal(start.statusCode, 202, start.body);
  const { workflowId, total } = start.json() as { workflowId: string; total: number };
  t.equal(total, 50);
  t.match(workflowId, new RegExp(`^reanalysis:${tenant.organizationId}:[0-9a-f-]{36}$`));
  t.equal((await as(stack.app, tenant.rep).post('/admin/calls/reanalyze', {})).statusCode, 403);

  const progress = (account = tenant.admin) =>
    as(stack.app, account).get(`/admin/reanalysis/${encodeURIComponent(workflowId)}`);
  const seen: number[] = [];
  const final = await waitFor(
    async () => {
      const body = (await progress()).json() as { total: number; done: number; failed: number; status: string };
      seen.push(body.done);
      return body.status === 'completed' ? body : null;
    },
    { timeoutMs: 180_000, intervalMs: 500, what: 'the bulk re-analysis' },
  );
  t.same(final, { total: 50, done: 50, failed: 0, status: 'completed' });
  t.ok(seen.length > 1, `progress was reported while running (${seen.join(',')})`);
  t.equal(await em.count(Call, { status: 'analyzed' }), 50, 'every call analysed');
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 50, 'one OpenAI answer per call');
  const runs = [];
  for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runs.push(run.status.name);
  t.ok(runs.length >= 2 && runs.includes('CONTINUED_AS_NEW'), `pages of 25 ran as separate runs (${runs.join(', ')})`);

  const other = await createTenant(stack);
  t.equal((await progress(other.admin)).statusCode, 404, 'another organization cannot see the run');
});
