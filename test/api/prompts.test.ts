// The seed's prompt settings routes (/openai-prompts/*) through HTTP, against PostgreSQL and the OpenAI
// stand-in: the values are references to CallSense prompts, validated by a live inline run.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { Call } from '../../src/domain/calls/call.entity.js';
import { PromptChange } from '../../src/domain/prompts/prompt-change.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { SAMPLE_TRANSCRIPT } from '../../src/domain/prompts/sample-transcript.js';
import { DEFAULT_MODEL, SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack } from '../support/harness.js';
import { addUser, signup } from '../support/api.js';
import { freePort } from '../support/free-port.js';
import { stringsSchema } from '../support/prompts.js';
import { COMP, IND, createPrompt, dbChanges, dbUser, promptBody, settingsClient as client } from './support-prompts.js';

const SYSTEM_DEFAULTS = { individual: SYSTEM_INDIVIDUAL_PROMPT, complete: SYSTEM_COMPLETE_PROMPT };

async function setup(t: Test) {
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const rep = await addUser(stack.app, admin);
  const alpha = (await createPrompt(stack.app, admin, promptBody({ name: 'Alpha' }))).id;
  const beta = (await createPrompt(stack.app, admin, promptBody({ name: 'Beta', kind: 'complete' }))).id;
  stack.fake.reset();
  return { stack, admin, rep, alpha, beta };
}

const systemEffective = {
  individual: {
    promptId: SYSTEM_INDIVIDUAL_PROMPT,
    version: 1,
    name: 'CallSense call analysis',
    model: DEFAULT_MODEL,
    source: 'system',
  },
  complete: {
    promptId: SYSTEM_COMPLETE_PROMPT,
    version: 1,
    name: 'CallSense lead analysis',
    model: DEFAULT_MODEL,
    source: 'system',
  },
};

t.test('my prompts: read, save, history; the next analysis follows the saved reference', async (t) => {
  const { stack, rep, alpha, beta } = await setup(t);
  const me = client(stack.app, rep);

  const initial = await me.get('/my-prompts');
  t.equal(initial.statusCode, 200);
  t.same(initial.json(), {
    [IND]: null,
    [COMP]: null,
    system_defaults: SYSTEM_DEFAULTS,
    organization_defaults: { individual: null, complete: null },
    effective: systemEffective,
    legacy: {},
  });

  const saved = await me.put('/my-prompts', { [IND]: alpha });
  t.equal(saved.statusCode, 200, saved.body);
  t.same(saved.json(), {
    ...initial.json(),
    [IND]: alpha,
    effective: {
      ...systemEffective,
      individual: { promptId: alpha, version: 1, name: 'Alpha', model: DEFAULT_MODEL, source: 'user' },
    },
  });
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, alpha, 'stored');
  const check = stack.fake.requests.find((r) => r.promptRef === `${alpha}@1`);
  t.ok(check, 'the reference was checked by a live run');
  t.notOk(check && 'prompt' in check.body, 'sent inline, never as a stored prompt');
  t.match(check?.body, {
    model: DEFAULT_MODEL,
    input: SAMPLE_TRANSCRIPT,
    max_output_tokens: 4000,
    store: false,
    text: { format: { type: 'json_schema', strict: true } },
  });
  t.same((await me.get('/my-prompts')).json(), saved.json());
  t.match((await stack.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${rep.token}` } })).json(), {
    [IND]: alpha,
    [COMP]: null,
  });

  const both = await me.put('/my-prompts', { [IND]: alpha, [COMP]: `${beta}@production` });
  t.equal(both.statusCode, 200, both.body);
  t.match(both.json().effective.complete, { promptId: beta, version: 1, source: 'user' });
  t.equal((await dbChanges(stack, rep)).length, 2, 'the unchanged field leaves no history row');

  t.equal((await me.put('/my-prompts', {})).statusCode, 200, 'an empty change is accepted');
  const before = stack.fake.count();
  const cleared = await me.put('/my-prompts', { [IND]: null });
  t.equal(cleared.statusCode, 200);
  t.equal(cleared.json()[IND], null, 'null means the default');
  t.same(cleared.json().effective.individual, systemEffective.individual);
  t.equal(stack.fake.count(), before, 'null needs no OpenAI call');

  const history = await me.get('/my-prompts/history');
  t.equal(history.statusCode, 200);
  const rows = await dbChanges(stack, rep);
  const changedBy = { id: rep.user.id, email: rep.user.email };
  t.same(
    history.json().map(({ changedAt: _, ...rest }: { changedAt: string }) => rest),
    [
      { id: rows[2]!.id, field: IND, oldValue: alpha, newValue: null, changedBy },
      { id: rows[1]!.id, field: COMP, oldValue: null, newValue: `${beta}@production`, changedBy },
      { id: rows[0]!.id, field: IND, oldValue: null, newValue: alpha, changedBy },
    ],
    'newest first, each with its actor',
  );
  t.equal(history.json()[0].changedAt, rows[2]!.changedAt.toISOString());
});

t.test('a PUT with an unusable reference saves nothing and explains every failing field', async (t) => {
  const { stack, rep, alpha, beta } = await setup(t);
  const me = client(stack.app, rep);

  const oneBad = await me.put('/my-prompts', { [IND]: alpha, [COMP]: 'prm_missing0001' });
  t.equal(oneBad.statusCode, 400);
  t.same(oneBad.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Some prompt references cannot be used; nothing was saved',
    details: { [COMP]: 'Prompt prm_missing0001 does not exist (or was deleted)' },
  });

  const before = stack.fake.count();
  const bothBad = await me.put('/my-prompts', { [IND]: 'not a prompt', [COMP]: alpha });
  t.equal(bothBad.statusCode, 400);
  t.match(bothBad.json().details, { [IND]: /Not a prompt reference/, [COMP]: /individual prompt, not complete/ });
  const swapped = await me.put('/my-prompts', { [IND]: beta });
  t.match(swapped.json().details, { [IND]: /complete prompt, not individual/ });
  const retired = await me.put('/my-prompts', { [IND]: 'pmpt_68a1abc' });
  t.match(retired.json().details, { [IND]: /OpenAI retired stored prompts on 2026-11-30.*POST \/prompts/ });
  const noLabel = await me.put('/my-prompts', { [IND]: `${alpha}@staging` });
  t.match(noLabel.json().details, { [IND]: /no label "staging"/ });
  t.equal(stack.fake.count(), before, 'references that do not resolve make no OpenAI call');

  const user = await dbUser(stack, rep);
  t.equal(user.openaiIndividualPromptId, null, 'the valid reference was not saved either');
  t.equal(user.openaiCompletePromptId, null);
  t.same(await dbChanges(stack, rep), [], 'no history row');

  // A version whose model is gone at OpenAI cannot be saved.
  stack.fake.defineModel('gpt-vanishing');
  const vanishing = (await createPrompt(stack.app, rep, promptBody({}, { model: 'gpt-vanishing' }))).id;
  stack.fake.removeModel('gpt-vanishing');
  const gone = await me.put('/my-prompts', { [IND]: vanishing });
  t.equal(gone.statusCode, 400);
  t.same(gone.json().details, { [IND]: 'model gpt-vanishing not found' });

  const flaky = (await createPrompt(stack.app, rep, promptBody({ name: 'Flaky' }))).id;
  stack.fake.enqueue(flaky, { status: 500 });
  const down = await me.put('/my-prompts', { [IND]: flaky });
  t.equal(down.statusCode, 400);
  t.match(down.json().details, { [IND]: /^Could not verify with OpenAI/ });
  const retried = await me.put('/my-prompts', { [IND]: flaky });
  t.equal(retried.statusCode, 200, 'the failure to verify was not cached');

  const unknownField = await me.put('/my-prompts', { [IND]: null, openai_other_prompt_id: alpha });
  t.equal(unknownField.statusCode, 400);
  t.match(unknownField.json().details, { 'body.openai_other_prompt_id': 'is not an accepted field' });
  t.equal((await me.put('/my-prompts', { [IND]: 42 })).statusCode, 400);
  t.equal((await me.put('/my-prompts', { [IND]: 'x'.repeat(1001) })).statusCode, 400);
  t.equal((await dbChanges(stack, rep)).length, 1, 'only the successful retry is in the history');
});

t.test('validate: resolution first, then the model and a live run; definite answers cached', async (t) => {
  const { stack, rep, alpha, beta } = await setup(t);
  const me = client(stack.app, rep);
  const validate = async (promptId: string) => {
    const res = await me.post('/validate', { promptId });
    t.equal(res.statusCode, 200, `validate ${promptId}`);
    return res.json();
  };

  for (const malformed of ['', 'prompt_abc', 'prm_has space', `prm_${'a'.repeat(65)}`, 'prm_abcdefgh@0']) {
    t.match(
      await validate(malformed),
      { valid: false, error: /Not a prompt reference/ },
      `malformed: ${malformed.slice(0, 20)}`,
    );
  }
  t.match(await validate('pmpt_abc'), { valid: false, error: /OpenAI retired stored prompts on 2026-11-30/ });
  t.same(await validate('prm_nope00000'), {
    valid: false,
    error: 'Prompt prm_nope00000 does not exist (or was deleted)',
  });
  t.equal(stack.fake.count(), 0, 'no OpenAI call for a reference that does not resolve');
  t.same(stack.fake.modelRequests, []);

  t.same(await validate(alpha), {
    valid: true,
    details: {
      promptId: alpha,
      promptVersion: 1,
      model: DEFAULT_MODEL,
      temperature: null,
      reasoningEffort: null,
      shutdownDate: null,
      warnings: [],
    },
  });
  t.match(await validate(beta), { valid: true, details: { promptId: beta } }, 'any kind');
  t.match(await validate(SYSTEM_COMPLETE_PROMPT), { valid: true, details: { reasoningEffort: 'low' } });

  await validate(alpha);
  await validate(`${alpha}@1`);
  t.equal(stack.fake.count(alpha), 1, 'a valid answer is cached per version: the later checks made no request');
  t.equal((await me.put('/my-prompts', { [IND]: alpha })).statusCode, 200);
  t.equal(stack.fake.count(alpha), 1, 'saving uses the same cache');

  const offSchema = (await createPrompt(stack.app, rep, promptBody({ name: 'Off' }))).id;
  stack.fake.enqueue(offSchema, { output: JSON.stringify({ summary: 1 }) });
  t.match(await validate(offSchema), { valid: false, error: /does not match its output schema/ });
  await validate(offSchema);
  t.equal(stack.fake.count(offSchema), 1, 'an output off the schema is a definite answer: cached');

  const flaky = (await createPrompt(stack.app, rep, promptBody({ name: 'Flaky' }))).id;
  stack.fake.enqueue(flaky, { status: 503 });
  t.match(await validate(flaky), { valid: false, error: /^Could not verify with OpenAI/ });
  t.match(await validate(flaky), { valid: true }, 'the 5xx was not cached');
  await validate(flaky);
  t.equal(stack.fake.count(flaky), 2, 'the definite answer after it is');

  const keyed = (await createPrompt(stack.app, rep, promptBody({ name: 'Keyed' }))).id;
  const rejected = {
    status: 401,
    body: {
      error: {
        message: 'Incorrect API key provided: sk-test-key.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    },
  };
  stack.fake.enqueue(keyed, rejected);
  const unauthorized = await validate(keyed);
  t.match(unauthorized, { valid: false, error: /^Could not verify with OpenAI/ });
  t.notMatch(JSON.stringify(unauthorized), /sk-test/, 'the key is not echoed');
  t.equal((await validate(keyed)).valid, true, 'a 401 is not cached');

  t.equal((await me.post('/validate', {})).statusCode, 400);
  t.equal((await me.post('/validate', { promptId: alpha, extra: true })).statusCode, 400);
  t.equal((await me.post('/validate', { promptId: 7 })).statusCode, 400);
});

t.test('revert restores the old value and is recorded; a retired value cannot be restored', async (t) => {
  const { stack, admin, rep, alpha } = await setup(t);
  const alpha2 = (await createPrompt(stack.app, admin, promptBody({ name: 'Alpha two' }))).id;
  const me = client(stack.app, rep);
  await me.put('/my-prompts', { [IND]: alpha });
  await me.put('/my-prompts', { [IND]: alpha2 });
  const [first, second] = await dbChanges(stack, rep);

  const reverted = await me.post('/my-prompts/revert', { historyId: second!.id });
  t.equal(reverted.statusCode, 200, reverted.body);
  t.match(reverted.json(), { [IND]: alpha, [COMP]: null, effective: { individual: { promptId: alpha } } });
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, alpha);
  const history = (await me.get('/my-prompts/history')).json();
  t.equal(history.length, 3);
  t.match(history[0], {
    field: IND,
    oldValue: alpha2,
    newValue: alpha,
    changedBy: { id: rep.user.id, email: rep.user.email },
  });

  const before = stack.fake.count();
  const toDefault = await me.post('/my-prompts/revert', { historyId: first!.id });
  t.equal(toDefault.statusCode, 200);
  t.equal(toDefault.json()[IND], null, 'a null old value restores the default');
  t.equal(stack.fake.count(), before, 'without an OpenAI call');
  t.equal((await dbChanges(stack, rep)).length, 4);
  const again = await me.post('/my-prompts/revert', { historyId: first!.id });
  t.equal(again.statusCode, 200);
  t.equal((await dbChanges(stack, rep)).length, 5, 'a revert is recorded even when it restores the current value');

  // An upgraded database's history holds retired OpenAI ids: those cannot come back.
  const em = tenantEm(stack.orm.em, rep.organization.id);
  const retired = em.create(PromptChange, {
    organization: rep.organization.id,
    targetUser: rep.user.id,
    actor: rep.user.id,
    field: COMP,
    oldValue: 'pmpt_retired',
    newValue: null,
    changedAt: new Date(Date.now() - 60_000),
  });
  await em.flush();
  const refused = await me.post('/my-prompts/revert', { historyId: retired.id });
  t.equal(refused.statusCode, 400);
  t.match(refused.json(), {
    statusCode: 400,
    error: 'Bad Request',
    details: { historyId: /pmpt_retired.*OpenAI retired stored prompts on 2026-11-30/ },
  });
  t.equal((await dbUser(stack, rep)).openaiCompletePromptId, null);
  t.equal((await dbChanges(stack, rep)).length, 6, 'no row for the refused revert');

  // An old value whose prompt was deleted since is refused like any unusable reference.
  const doomed = (await createPrompt(stack.app, rep, promptBody({ name: 'Doomed' }))).id;
  await me.put('/my-prompts', { [IND]: doomed });
  await me.put('/my-prompts', { [IND]: null });
  const [, latest] = (await me.get('/my-prompts/history')).json();
  t.equal(
    (
      await stack.app.inject({
        method: 'DELETE',
        url: `/api/prompts/${doomed}`,
        headers: { authorization: `Bearer ${rep.token}` },
      })
    ).statusCode,
    204,
  );
  const deleted = await me.post('/my-prompts/revert', {
    historyId: (await me.get('/my-prompts/history')).json()[0].id,
  });
  t.equal(latest.newValue, doomed);
  t.equal(deleted.statusCode, 400);
  t.match(deleted.json().details, { [IND]: /does not exist/ });

  const colleague = await addUser(stack.app, admin);
  await client(stack.app, colleague).put('/my-prompts', { [IND]: alpha });
  const [theirs] = await dbChanges(stack, colleague);
  const notMine = await me.post('/my-prompts/revert', { historyId: theirs!.id });
  t.equal(notMine.statusCode, 404, "another user's history entry is not found");
  t.equal((await dbUser(stack, colleague)).openaiIndividualPromptId, alpha);

  for (const historyId of [randomUUID(), 'not-a-uuid']) {
    const res = await me.post('/my-prompts/revert', { historyId });
    t.equal(res.statusCode, 404);
    t.same(res.json(), { statusCode: 404, error: 'Not Found', message: 'History entry not found' });
  }
  t.equal((await me.post('/my-prompts/revert', { historyId: first!.id, field: IND })).statusCode, 400);
});

t.test('preview runs a saved prompt once and saves nothing', async (t) => {
  const { stack, rep } = await setup(t);
  const me = client(stack.app, rep);
  const extract = (
    await createPrompt(
      stack.app,
      rep,
      promptBody({ name: 'Extract' }, { outputSchema: stringsSchema('echo'), temperature: 0.4 }),
    )
  ).id;
  stack.fake.definePrompt(extract, { respond: (input) => JSON.stringify({ echo: input }) });

  const res = await me.post('/preview', {
    promptId: extract,
    transcript: [
      { role: 'agent', content: 'Hi' },
      { role: 'lead', content: 'Yes please' },
    ],
  });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.same(body.output, { echo: 'agent: Hi\nlead: Yes please' }, 'the parsed output, from the flattened transcript');
  t.equal(body.model, DEFAULT_MODEL);
  t.equal(body.promptId, extract);
  t.equal(body.promptVersion, 1);
  t.match(body.usage, { inputTokens: Number, outputTokens: Number, totalTokens: Number });
  t.equal(stack.fake.count(extract), 1, 'one run');
  const sent = stack.fake.requests.at(-1)!.body;
  t.notOk('prompt' in sent);
  t.match(sent, { store: false, temperature: 0.4, metadata: { callsense_prompt: `${extract}@1` } });

  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, null, 'nothing saved');
  t.same(await dbChanges(stack, rep), []);
  t.equal(await tenantEm(stack.orm.em, rep.organization.id).count(Call, {}), 0);

  const malformed = await me.post('/preview', { promptId: 'bad id', transcript: 'hello' });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.json().details, { promptId: /Not a prompt reference/ });
  const unknown = await me.post('/preview', { promptId: 'prm_nope00000', transcript: 'hello' });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().message, 'Prompt prm_nope00000 does not exist (or was deleted)');
  const retired = await me.post('/preview', { promptId: 'pmpt_abc', transcript: 'hello' });
  t.equal(retired.statusCode, 400);
  t.match(retired.json().details, { promptId: /retired stored prompts on 2026-11-30/ });

  stack.fake.enqueue(extract, { output: 'not json at all' });
  const notJson = await me.post('/preview', { promptId: extract, transcript: 'hello' });
  t.equal(notJson.statusCode, 400);
  t.match(notJson.json(), { message: /not JSON/, details: { promptId: /not JSON/ } });

  stack.fake.enqueue(extract, { status: 500 });
  const down = await me.post('/preview', { promptId: extract, transcript: 'hello' });
  t.equal(down.statusCode, 502);
  t.match(down.json(), { statusCode: 502, error: 'Bad Gateway', message: /OpenAI/ });

  stack.fake.enqueue(extract, { status: 429, headers: { 'retry-after': '1' } });
  const limited = await me.post('/preview', { promptId: extract, transcript: 'hello' });
  t.equal(limited.statusCode, 503);
  t.match(limited.json().message, /rate-limiting/);
  t.ok(limited.headers['retry-after']);

  t.equal((await me.post('/preview', { promptId: extract })).statusCode, 400, 'a transcript is required');
  t.equal((await me.post('/preview', { promptId: extract, transcript: 'x', save: true })).statusCode, 400);
});

t.test("admin: another user's prompts, history and bulk updates", async (t) => {
  const { stack, admin, rep, alpha, beta } = await setup(t);
  const rep2 = await addUser(stack.app, admin);
  const boss = client(stack.app, admin);
  const changedBy = { id: admin.user.id, email: admin.user.email };

  const read = await boss.get(`/admin/users/${rep.user.id}/prompts`);
  t.equal(read.statusCode, 200);
  t.match(read.json(), { [IND]: null, [COMP]: null, system_defaults: SYSTEM_DEFAULTS, effective: systemEffective });

  const put = await boss.put(`/admin/users/${rep.user.id}/prompts`, { [COMP]: beta });
  t.equal(put.statusCode, 200, put.body);
  t.match(put.json(), { [IND]: null, [COMP]: beta, effective: { complete: { promptId: beta, source: 'user' } } });
  t.equal((await dbUser(stack, rep)).openaiCompletePromptId, beta);
  t.equal((await dbUser(stack, admin)).openaiCompletePromptId, null, "the admin's own settings are untouched");

  const history = await boss.get(`/admin/users/${rep.user.id}/prompts/history`);
  t.equal(history.statusCode, 200);
  t.match(history.json(), [{ field: COMP, oldValue: null, newValue: beta, changedBy }]);
  t.same(
    (await client(stack.app, rep).get('/my-prompts/history')).json(),
    history.json(),
    'the user sees the admin as the actor',
  );

  const invalid = await boss.put(`/admin/users/${rep.user.id}/prompts`, { [IND]: 'prm_missing0001', [COMP]: null });
  t.equal(invalid.statusCode, 400);
  t.same(Object.keys(invalid.json().details), [IND]);
  t.equal((await dbUser(stack, rep)).openaiCompletePromptId, beta, 'nothing saved');

  for (const userId of [randomUUID(), 'not-a-uuid']) {
    t.equal((await boss.get(`/admin/users/${userId}/prompts`)).statusCode, 404);
    t.equal((await boss.put(`/admin/users/${userId}/prompts`, { [IND]: null })).statusCode, 404);
    t.equal((await boss.get(`/admin/users/${userId}/prompts/history`)).statusCode, 404);
  }
  t.equal((await boss.put(`/admin/users/${rep.user.id}/prompts`, { userIds: [] })).statusCode, 400);

  const team = (await createPrompt(stack.app, admin, promptBody({ name: 'Team' }))).id;
  stack.fake.reset();
  const unknownId = randomUUID();
  const bulk = await boss.put('/admin/prompts', {
    userIds: [rep.user.id, rep2.user.id, unknownId, 'nope'],
    [IND]: team,
  });
  t.equal(bulk.statusCode, 200, bulk.body);
  t.same(bulk.json(), {
    results: [
      { userId: rep.user.id, ok: true },
      { userId: rep2.user.id, ok: true },
      { userId: unknownId, ok: false, error: 'User not found' },
      { userId: 'nope', ok: false, error: 'User not found' },
    ],
  });
  t.equal(stack.fake.count(team), 1, 'validated once for all users');
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, team);
  t.equal((await dbUser(stack, rep2)).openaiIndividualPromptId, team);
  t.equal((await dbUser(stack, rep)).openaiCompletePromptId, beta, 'a field not in the bulk body is kept');
  t.match((await client(stack.app, rep2).get('/my-prompts/history')).json(), [
    { field: IND, oldValue: null, newValue: team, changedBy },
  ]);
  t.equal((await dbChanges(stack, rep2)).length, 1);

  const bulkInvalid = await boss.put('/admin/prompts', { userIds: [rep.user.id], [IND]: null, [COMP]: alpha });
  t.equal(bulkInvalid.statusCode, 400);
  t.same(bulkInvalid.json().details, { [COMP]: `Prompt ${alpha} is an individual prompt, not complete` });
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, team, 'nothing applied');
  t.equal((await boss.put('/admin/prompts', { userIds: [] })).statusCode, 400);
  t.equal((await boss.put('/admin/prompts', { [IND]: null })).statusCode, 400, 'userIds is required');
});

t.test('prompt routes need a token (401); admin ones the admin role (403)', async (t) => {
  const { stack, admin, rep, alpha } = await setup(t);
  const userRoutes = [
    ['GET', '/openai-prompts/my-prompts', undefined],
    ['PUT', '/openai-prompts/my-prompts', { [IND]: null }],
    ['POST', '/openai-prompts/validate', { promptId: alpha }],
    ['GET', '/openai-prompts/my-prompts/history', undefined],
    ['POST', '/openai-prompts/my-prompts/revert', { historyId: randomUUID() }],
    ['POST', '/openai-prompts/preview', { promptId: alpha, transcript: 'hi' }],
    ['GET', '/prompts', undefined],
    ['POST', '/prompts', promptBody()],
    ['GET', `/prompts/${alpha}`, undefined],
    ['POST', '/prompts/run', { prompt: alpha, transcript: 'hi' }],
  ] as const;
  const adminRoutes = [
    ['GET', `/openai-prompts/admin/users/${admin.user.id}/prompts`, undefined],
    ['PUT', `/openai-prompts/admin/users/${admin.user.id}/prompts`, { [IND]: alpha }],
    ['GET', `/openai-prompts/admin/users/${admin.user.id}/prompts/history`, undefined],
    ['PUT', '/openai-prompts/admin/prompts', { userIds: [admin.user.id], [IND]: alpha }],
    ['GET', '/admin/prompt-defaults', undefined],
    ['PUT', '/admin/prompt-defaults', { individual: alpha }],
  ] as const;
  for (const [method, url, payload] of [...userRoutes, ...adminRoutes]) {
    const res = await stack.app.inject({ method, url: `/api${url}`, ...(payload ? { payload } : {}) });
    t.equal(res.statusCode, 401, `${method} ${url} without a token`);
  }
  for (const [method, url, payload] of adminRoutes) {
    const res = await stack.app.inject({
      method,
      url: `/api${url}`,
      headers: { authorization: `Bearer ${rep.token}` },
      ...(payload ? { payload } : {}),
    });
    t.equal(res.statusCode, 403, `${method} ${url} as a user`);
    t.same(res.json(), { statusCode: 403, error: 'Forbidden', message: 'This action requires the admin role' });
  }
  t.equal((await dbUser(stack, admin)).openaiIndividualPromptId, null, 'the refused requests changed nothing');
  t.same(await dbChanges(stack, admin), []);
  t.equal(stack.fake.count(), 0, 'and asked nothing of OpenAI');

  const docs = (await stack.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
  for (const path of [
    '/api/openai-prompts/my-prompts',
    '/api/openai-prompts/admin/prompts',
    '/api/openai-prompts/admin/users/{userId}/prompts/history',
    '/api/prompts/{id}',
    '/api/prompts/run',
    '/api/prompts/{id}/labels/{label}',
    '/api/admin/prompt-defaults',
  ]) {
    t.ok(docs.paths[path], `${path} is in the OpenAPI document`);
  }
});

t.test('OpenAI unreachable: settings still read; checks and previews say so', async (t) => {
  const closedPort = await freePort();
  const stack = await startStack(t, { worker: false, env: { OPENAI_BASE_URL: `http://127.0.0.1:${closedPort}/v1` } });
  const admin = await signup(stack.app);
  const alpha = (await createPrompt(stack.app, admin)).id;
  const me = client(stack.app, admin);

  const view = await me.get('/my-prompts');
  t.equal(view.statusCode, 200);
  t.same(view.json().effective, systemEffective, 'resolution needs no OpenAI');

  const validation = await me.post('/validate', { promptId: alpha });
  t.equal(validation.statusCode, 200);
  t.match(validation.json(), { valid: false, error: /^Could not verify with OpenAI/ });
  t.notMatch(validation.body, new RegExp(String(closedPort)), 'no upstream address');

  const put = await me.put('/my-prompts', { [IND]: alpha, [COMP]: null });
  t.equal(put.statusCode, 400);
  t.match(put.json().details, { [IND]: /^Could not verify with OpenAI/ });
  t.equal((await dbUser(stack, admin)).openaiIndividualPromptId, null);

  const preview = await me.post('/preview', { promptId: alpha, transcript: 'hello' });
  t.equal(preview.statusCode, 502);
  t.match(preview.json(), { statusCode: 502, error: 'Bad Gateway', message: /could not be reached/ });
  t.notMatch(preview.body, new RegExp(String(closedPort)));
});
