// The pipeline's database steps, one round trip each: the start of an analysis (call, spend, settings and the
// prompt rows they name, with versions from the worker's cache), the store of an analysis and the store of a fold.
// Checked on PostgreSQL rows, with every statement the ORM's connection sends counted.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { startStack, type Stack } from '../support/harness.js';
import { callPayload, createTenant, setUserPrompts, type Tenant } from '../support/calls.js';
import { deliverCall } from '../support/api.js';
import { createTestPrompt } from '../support/prompts.js';
import { startCallAnalysis } from '../../src/domain/calls/analysis-start.js';
import { knownPrompts } from '../../src/domain/prompts/settings-sql.js';
import { resolvePromptLine } from '../../src/domain/prompts/prompt-resolver.js';
import { versionSpecOf } from '../../src/activities/version-specs.js';
import { storeCallAnalysis } from '../../src/domain/analyses/store-call-analysis.js';
import { readFoldInput, readFoldPreparation } from '../../src/domain/leads/fold-input.js';
import { StaleFoldError, storeFold } from '../../src/domain/leads/store-fold.js';

/** Counts the statements sent through the ORM's (shared) connection while `work` runs. */
async function countingStatements<T>(stack: Stack, work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const connection = stack.orm.em.getConnection() as unknown as {
    executeQuery: (...args: unknown[]) => Promise<unknown>;
  };
  const original = connection.executeQuery;
  let statements = 0;
  connection.executeQuery = function (this: unknown, ...args: unknown[]) {
    statements++;
    return original.apply(this, args);
  };
  try {
    return { result: await work(), statements };
  } finally {
    connection.executeQuery = original;
  }
}

async function deliveredCall(stack: Stack, tenant: Tenant, leadExternalId: string) {
  const res = await deliverCall(
    stack.app,
    tenant.organizationId,
    tenant.secret,
    callPayload(tenant.rep.user.id, { leadExternalId }),
  );
  if (res.statusCode !== 202) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
  return res.json<{ id: string }>().id;
}

const query = async <T>(stack: Stack, sql: string, params: unknown[] = []) =>
  stack.orm.em.getConnection().execute<T[]>(sql, params);

t.test('an analysis starts in one statement once its prompt version is cached', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const promptId = await createTestPrompt(tenant, { kind: 'individual', createdBy: tenant.rep });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: promptId });
  const em = tenant.em();
  const begin = async (callRowId: string) => {
    const start = await startCallAnalysis(em, {
      organizationId: tenant.organizationId,
      callRowId,
      reanalysis: false,
      budget: 0,
      waiting: 'unused',
    });
    const line = await resolvePromptLine(
      em,
      { user: start.user_setting, organization: start.organization_setting },
      'individual',
      stack.config.openai.defaultModel,
      {
        prompts: knownPrompts(start),
        version: (id, version) =>
          versionSpecOf(em, tenant.organizationId, { promptId: id, version }, stack.config.openai.defaultModel),
      },
    );
    return { start, line };
  };

  const first = await countingStatements(stack, async () => begin(await deliveredCall(stack, tenant, 'lead-a')));
  t.equal(first.result.start.status, 'analyzing');
  t.same(
    first.result.line.candidates.map((c) => c.source),
    ['user', 'system'],
    "the user's prompt first, then the built-in",
  );
  t.equal(first.result.line.candidates[0]!.promptId, promptId);

  const callRowId = await deliveredCall(stack, tenant, 'lead-b');
  const second = await countingStatements(stack, () => begin(callRowId));
  t.equal(second.statements, 1, 'with the version cached: one statement reads the settings and moves the call');
  const [row] = await query<{ status: string }>(stack, 'select status from calls where id = ?', [callRowId]);
  t.equal(row!.status, 'analyzing');

  // A label moved since: read with the settings, so the cache of versions cannot hide it.
  await query(stack, `update prompts set labels = '{"production": 7}'::jsonb where id = ?`, [promptId]);
  const moved = await begin(await deliveredCall(stack, tenant, 'lead-c'));
  t.equal(moved.line.candidates[0]!.source, 'system', 'a label pointing to no version falls back');
  t.match(moved.line.fallbackReason, /has no version 7/);

  // Analysed already: nothing changes; over the budget: back to queued with the message.
  await query(stack, `update calls set status = 'analyzed' where id = ?`, [callRowId]);
  t.equal((await begin(callRowId)).start.status, null);
  const waiting = await startCallAnalysis(em, {
    organizationId: tenant.organizationId,
    callRowId: await deliveredCall(stack, tenant, 'lead-d'),
    reanalysis: false,
    budget: 1,
    waiting: 'the budget is spent',
  });
  t.equal(waiting.status, 'analyzing', 'nothing spent today yet');
  await query(
    stack,
    `insert into openai_usage_days (organization_id, day, input_tokens, output_tokens, cost_usd)
     values (?, to_char(now() at time zone 'utc', 'YYYY-MM-DD'), 5, 5, 0)`,
    [tenant.organizationId],
  );
  const spentCall = await deliveredCall(stack, tenant, 'lead-e');
  const spent = await startCallAnalysis(em, {
    organizationId: tenant.organizationId,
    callRowId: spentCall,
    reanalysis: false,
    budget: 1,
    waiting: 'the budget is spent',
  });
  t.equal(spent.status, 'queued');
  const [queued] = await query<{ status: string; error: string }>(
    stack,
    'select status, error from calls where id = ?',
    [spentCall],
  );
  t.same(queued, { status: 'queued', error: 'the budget is spent' });

  const other = await createTenant(stack);
  const foreign = await startCallAnalysis(other.em(), {
    organizationId: other.organizationId,
    callRowId: spentCall,
    reanalysis: true,
    budget: 0,
    waiting: 'unused',
  });
  t.equal(foreign.previous, null, "another organization's call is not found");
});

t.test('an analysis and a fold are each stored by one statement, guarded against repeats and changes', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const em = tenant.em();
  await query(
    stack,
    `insert into event_endpoints (id, organization_id, url, events, enabled, secret_sealed, created_at, updated_at)
     values (?, ?, 'https://hooks.example.com/in', '["call.analyzed", "lead.analysis.updated"]'::jsonb, true,
             'sealed', now(), now())`,
    [randomUUID(), tenant.organizationId],
  );
  const callRowId = await deliveredCall(stack, tenant, 'lead-store');
  const runKey = `call:test:${randomUUID()}:individual`;
  const record = {
    organizationId: tenant.organizationId,
    callRowId,
    userId: tenant.rep.user.id,
    analysisId: randomUUID(),
    runKey,
    analysis: { summary: 'Interested in the annual plan' },
    promptId: 'prm_systemindividual',
    promptName: 'Built-in',
    promptSource: 'system' as const,
    promptVersion: 1,
    fallbackReason: null,
    model: 'gpt-6-luna',
    usage: { inputTokens: 120, outputTokens: 30 },
    latencyMs: 12,
  };
  const stored = await countingStatements(stack, () => storeCallAnalysis(em, record, {}));
  t.equal(stored.result, true);
  t.equal(stored.statements, 1, 'one statement');
  t.equal((await storeCallAnalysis(em, { ...record, analysisId: randomUUID() }, {})) as boolean, false, 'a repeat');

  const [call] = await query<Record<string, unknown>>(
    stack,
    'select status, analysis, prompt_id, prompt_version, analyzed_at, folded_at, lead_id from calls where id = ?',
    [callRowId],
  );
  t.match(call, {
    status: 'analyzed',
    analysis: record.analysis,
    prompt_id: 'prm_systemindividual',
    prompt_version: 1,
  });
  t.equal(call!.folded_at, null);
  const analyses = await query<{ n: number }>(stack, 'select count(*)::int as n from analyses where run_key = ?', [
    runKey,
  ]);
  t.equal(analyses[0]!.n, 1, 'one history row for the run');
  const [usage] = await query<{ input_tokens: number; output_tokens: number }>(
    stack,
    'select input_tokens::int, output_tokens::int from openai_usage_days where organization_id = ?',
    [tenant.organizationId],
  );
  t.same(usage, { input_tokens: 120, output_tokens: 30 }, 'the usage counted once');
  const events = await query<{ type: string; payload: { data: Record<string, unknown> } }>(
    stack,
    'select type, payload from event_deliveries where organization_id = ?',
    [tenant.organizationId],
  );
  t.equal(events.length, 1, 'one call.analyzed delivery');
  t.match(events[0]!.payload.data, {
    id: callRowId,
    leadId: call!.lead_id,
    externalId: 'lead-store',
    analysis: record.analysis,
    promptId: 'prm_systemindividual',
    promptVersion: 1,
    organizationId: tenant.organizationId,
  });

  // The fold: prepared and read in one statement each.
  const leadId = call!.lead_id as string;
  const prepared = await countingStatements(stack, () =>
    readFoldPreparation(em, { organizationId: tenant.organizationId, leadId }),
  );
  t.equal(prepared.statements, 1);
  t.equal(prepared.result?.pending, 1);
  const foldRunKey = `lead:test:${randomUUID()}:complete`;
  const read = await countingStatements(stack, () =>
    readFoldInput(em, { organizationId: tenant.organizationId, leadId, runKey: foldRunKey, limit: 25 }),
  );
  t.equal(read.statements, 1);
  const input = read.result!;
  t.equal(input.calls.length, 1);
  t.equal(input.variables['lead.externalId'], 'lead-store');
  const fold = {
    organizationId: tenant.organizationId,
    leadId,
    userId: input.lead.assignedTo,
    calls: input.calls.map((c) => ({ id: c.id, analyzedAt: c.analyzedAt })),
    previousAt: input.completeAnalysisAt,
    analysisId: randomUUID(),
    runKey: foldRunKey,
    analysis: { summary: 'Folded' },
    promptId: 'prm_systemcomplete',
    promptName: 'Built-in',
    promptSource: 'system' as const,
    promptVersion: 1,
    fallbackReason: null,
    model: 'gpt-6-luna',
    usage: { inputTokens: 10, outputTokens: 5 },
    latencyMs: 3,
  };

  // The call was re-analysed after the fold read it: nothing is written, and the fold is computed again.
  await query(stack, `update calls set analyzed_at = analyzed_at + interval '1 millisecond' where id = ?`, [callRowId]);
  const stale = await storeFold(em, fold, {}).then(
    () => null,
    (error: unknown) => error,
  );
  t.ok(stale instanceof StaleFoldError, 'the store refuses a stale fold');
  const [untouched] = await query<Record<string, unknown>>(
    stack,
    `select l.complete_analysis, (select folded_at from calls where id = ?) as folded_at,
            (select count(*)::int from analyses where run_key = ?) as analyses
       from leads l where l.id = ?`,
    [callRowId, foldRunKey, leadId],
  );
  t.same(untouched, { complete_analysis: null, folded_at: null, analyses: 0 }, 'a stale fold writes nothing');

  const fresh = (await readFoldInput(em, {
    organizationId: tenant.organizationId,
    leadId,
    runKey: foldRunKey,
    limit: 25,
  }))!;
  const written = await countingStatements(stack, () =>
    storeFold(em, { ...fold, calls: fresh.calls.map((c) => ({ id: c.id, analyzedAt: c.analyzedAt })) }, {}),
  );
  t.equal(written.statements, 1, 'one statement');
  t.equal(written.result, 0, 'nothing left to fold');
  const [lead] = await query<Record<string, unknown>>(
    stack,
    `select complete_analysis, complete_analysis_prompt_id, (select folded_at from calls where id = ?) as folded_at
       from leads where id = ?`,
    [callRowId, leadId],
  );
  t.same(lead!.complete_analysis, { summary: 'Folded' });
  t.equal(lead!.complete_analysis_prompt_id, 'prm_systemcomplete');
  t.not(lead!.folded_at, null, 'the call is marked folded');
  t.ok(
    (await readFoldInput(em, { organizationId: tenant.organizationId, leadId, runKey: foldRunKey, limit: 25 }))!.stored,
  );
  const updated = await query<{ payload: { data: Record<string, unknown> } }>(
    stack,
    `select payload from event_deliveries where organization_id = ? and type = 'lead.analysis.updated'`,
    [tenant.organizationId],
  );
  t.equal(updated.length, 1);
  t.match(updated[0]!.payload.data, {
    leadId,
    externalId: 'lead-store',
    completeAnalysis: { summary: 'Folded' },
    callCount: 1,
  });
  const [total] = await query<{ input_tokens: number }>(
    stack,
    'select input_tokens from openai_usage_days where organization_id = ?',
    [tenant.organizationId],
  );
  t.equal(Number(total!.input_tokens), 130, "the fold's usage added to the day");
});
