// Prompt configuration through HTTP, against PostgreSQL and the local OpenAI server.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import type { App } from '../../src/api/app.js';
import { User } from '../../src/domain/accounts/user.entity.js';
import { Call } from '../../src/domain/calls/call.entity.js';
import { PromptChange } from '../../src/domain/prompts/prompt-change.entity.js';
import {
  promptCandidates,
  systemDefaults,
  userPromptFor,
  type PromptKind,
  type SystemPromptDefaults,
} from '../../src/domain/prompts/prompt-resolver.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack, type Stack } from '../support/harness.js';
import { addUser, as, signup, type Account } from '../support/api.js';
import { freePort } from '../support/free-port.js';

/** The prompt an analysis tries first (none: nothing configured). */
const firstPrompt = (user: Parameters<typeof userPromptFor>[0], kind: PromptKind, defaults: SystemPromptDefaults) =>
  promptCandidates(userPromptFor(user, kind), defaults[kind])[0];

const IND = 'openai_individual_prompt_id';
const COMP = 'openai_complete_prompt_id';
const DEFAULTS = { individual: SYSTEM_INDIVIDUAL_PROMPT, complete: SYSTEM_COMPLETE_PROMPT };

/** Calls /api/openai-prompts/* as one account. */
const client = (app: App, account: Account) => as(app, account, '/api/openai-prompts');

const dbUser = (stack: Stack, account: Account, userId = account.user.id) =>
  tenantEm(stack.orm.em, account.organization.id).findOneOrFail(User, { id: userId });
const dbChanges = (stack: Stack, account: Account, userId = account.user.id) =>
  tenantEm(stack.orm.em, account.organization.id).find(
    PromptChange,
    { targetUser: userId },
    { orderBy: { changedAt: 'asc', field: 'asc' } },
  );

async function setup(t: Test) {
  const stack = await startStack(t, { worker: false });
  stack.fake.definePrompt('pmpt_alpha', { model: 'gpt-alpha', temperature: 0.2 });
  stack.fake.definePrompt('pmpt_beta', { model: 'gpt-beta', temperature: null });
  const admin = await signup(stack.app);
  const rep = await addUser(stack.app, admin);
  return { stack, admin, rep };
}

t.test("prompt candidates: the user's prompt, else the system default, else none", async (t) => {
  const defaults = { individual: 'pmpt_sys_i', complete: null };
  t.same(firstPrompt({ openaiIndividualPromptId: 'pmpt_mine' }, 'individual', defaults), {
    promptId: 'pmpt_mine',
    source: 'user',
  });
  t.same(firstPrompt({ openaiIndividualPromptId: null }, 'individual', defaults), {
    promptId: 'pmpt_sys_i',
    source: 'system',
  });
  t.same(firstPrompt({ openaiCompletePromptId: 'pmpt_c' }, 'complete', defaults), {
    promptId: 'pmpt_c',
    source: 'user',
  });
  t.equal(firstPrompt({ openaiCompletePromptId: null }, 'complete', defaults), undefined);
  t.equal(firstPrompt({}, 'complete', defaults), undefined);
});

t.test('my prompts: read, save, history, and the resolver sees the saved ids', async (t) => {
  const { stack, rep } = await setup(t);
  const me = client(stack.app, rep);

  const initial = await me.get('/my-prompts');
  t.equal(initial.statusCode, 200);
  t.same(initial.json(), { [IND]: null, [COMP]: null, system_defaults: DEFAULTS });

  const saved = await me.put('/my-prompts', { [IND]: 'pmpt_alpha' });
  t.equal(saved.statusCode, 200, saved.body);
  t.same(saved.json(), { [IND]: 'pmpt_alpha', [COMP]: null, system_defaults: DEFAULTS });
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, 'pmpt_alpha', 'stored');
  const check = stack.fake.requests.find((r) => r.promptId === 'pmpt_alpha');
  t.match(
    check?.body,
    { input: 'ping', max_output_tokens: 16, store: false },
    'the live check is a tiny, unstored run',
  );

  t.same((await me.get('/my-prompts')).json(), saved.json());

  const user = await dbUser(stack, rep);
  const defaults = systemDefaults(stack.config.openai);
  t.same(firstPrompt(user, 'individual', defaults), { promptId: 'pmpt_alpha', source: 'user' });
  t.same(firstPrompt(user, 'complete', defaults), { promptId: SYSTEM_COMPLETE_PROMPT, source: 'system' });

  const both = await me.put('/my-prompts', { [IND]: 'pmpt_alpha', [COMP]: 'pmpt_beta' });
  t.equal(both.statusCode, 200);
  t.equal((await dbChanges(stack, rep)).length, 2, 'the unchanged field leaves no history row');

  t.equal((await me.put('/my-prompts', {})).statusCode, 200, 'an empty change is accepted');
  const before = stack.fake.count();
  const cleared = await me.put('/my-prompts', { [IND]: null });
  t.equal(cleared.statusCode, 200);
  t.equal(cleared.json()[IND], null, 'null means the system default');
  t.equal(stack.fake.count(), before, 'null needs no OpenAI call');
  t.same(firstPrompt(await dbUser(stack, rep), 'individual', defaults), {
    promptId: SYSTEM_INDIVIDUAL_PROMPT,
    source: 'system',
  });

  const history = await me.get('/my-prompts/history');
  t.equal(history.statusCode, 200);
  const rows = await dbChanges(stack, rep);
  const changedBy = { id: rep.user.id, email: rep.user.email };
  t.same(
    history.json().map(({ changedAt: _, ...rest }: { changedAt: string }) => rest),
    [
      { id: rows[2]!.id, field: IND, oldValue: 'pmpt_alpha', newValue: null, changedBy },
      { id: rows[1]!.id, field: COMP, oldValue: null, newValue: 'pmpt_beta', changedBy },
      { id: rows[0]!.id, field: IND, oldValue: null, newValue: 'pmpt_alpha', changedBy },
    ],
    'newest first, each with its actor',
  );
  t.equal(history.json()[0].changedAt, rows[2]!.changedAt.toISOString());
});

t.test('a PUT with an invalid id saves nothing and explains every failing field', async (t) => {
  const { stack, rep } = await setup(t);
  const me = client(stack.app, rep);

  const oneBad = await me.put('/my-prompts', { [IND]: 'pmpt_alpha', [COMP]: 'pmpt_missing' });
  t.equal(oneBad.statusCode, 400);
  t.same(oneBad.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Some prompt ids cannot be used; nothing was saved',
    details: { [COMP]: "Prompt with id 'pmpt_missing' not found." },
  });

  const bothBad = await me.put('/my-prompts', { [IND]: 'not a prompt', [COMP]: 'pmpt_missing' });
  t.equal(bothBad.statusCode, 400);
  t.match(bothBad.json().details, { [IND]: /Not an OpenAI prompt id/, [COMP]: /not found/ });
  t.equal(stack.fake.count('not a prompt'), 0, 'a malformed id makes no OpenAI call');

  const user = await dbUser(stack, rep);
  t.equal(user.openaiIndividualPromptId, null, 'the valid id was not saved either');
  t.equal(user.openaiCompletePromptId, null);
  t.same(await dbChanges(stack, rep), [], 'no history row');

  stack.fake.definePrompt('pmpt_flaky');
  stack.fake.enqueue('pmpt_flaky', { status: 500 });
  const down = await me.put('/my-prompts', { [COMP]: 'pmpt_flaky' });
  t.equal(down.statusCode, 400);
  t.match(down.json().details, { [COMP]: /Could not verify with OpenAI/ });
  const retried = await me.put('/my-prompts', { [COMP]: 'pmpt_flaky' });
  t.equal(retried.statusCode, 200, 'the failure to verify was not cached');

  const unknownField = await me.put('/my-prompts', { [IND]: null, openai_other_prompt_id: 'pmpt_alpha' });
  t.equal(unknownField.statusCode, 400);
  t.match(unknownField.json().details, { 'body.openai_other_prompt_id': 'is not an accepted field' });
  const wrongType = await me.put('/my-prompts', { [IND]: 42 });
  t.equal(wrongType.statusCode, 400);
  t.equal((await dbChanges(stack, rep)).length, 1, 'only the successful retry is in the history');
});

t.test('validate: format first, live check, cache for definite answers only', async (t) => {
  const { stack, rep } = await setup(t);
  const me = client(stack.app, rep);
  const validate = async (promptId: string) => {
    const res = await me.post('/validate', { promptId });
    t.equal(res.statusCode, 200, `validate ${promptId}`);
    return res.json();
  };

  for (const malformed of ['', 'pmpt_', 'prompt_abc', 'pmpt_has space', `pmpt_${'a'.repeat(251)}`]) {
    t.match(
      await validate(malformed),
      { valid: false, error: /Not an OpenAI prompt id/ },
      `malformed: ${malformed.slice(0, 20)}`,
    );
  }
  t.equal(stack.fake.count(), 0, 'no OpenAI call for a malformed id');

  t.same(await validate('pmpt_alpha'), { valid: true, details: { model: 'gpt-alpha', temperature: 0.2 } });
  t.same(await validate('pmpt_beta'), { valid: true, details: { model: 'gpt-beta', temperature: null } });
  t.same(await validate('pmpt_nope'), { valid: false, error: "Prompt with id 'pmpt_nope' not found." });

  await validate('pmpt_alpha');
  await validate('pmpt_nope');
  t.equal(stack.fake.count('pmpt_alpha'), 1, 'a valid answer is cached: the second check made no request');
  t.equal(stack.fake.count('pmpt_nope'), 1, 'so is a not-found answer');
  t.equal((await me.put('/my-prompts', { [IND]: 'pmpt_alpha' })).statusCode, 200);
  t.equal(stack.fake.count('pmpt_alpha'), 1, 'saving uses the same cache');

  stack.fake.definePrompt('pmpt_flaky', { model: 'gpt-flaky' });
  stack.fake.enqueue('pmpt_flaky', { status: 503 });
  t.match(await validate('pmpt_flaky'), { valid: false, error: /^Could not verify with OpenAI/ });
  t.same(
    await validate('pmpt_flaky'),
    { valid: true, details: { model: 'gpt-flaky', temperature: 1 } },
    'the 5xx was not cached',
  );
  await validate('pmpt_flaky');
  t.equal(stack.fake.count('pmpt_flaky'), 2, 'the definite answer after it is');

  stack.fake.definePrompt('pmpt_keyed');
  stack.fake.enqueue('pmpt_keyed', {
    status: 401,
    body: {
      error: {
        message: 'Incorrect API key provided: sk-test-key.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    },
  });
  const unauthorized = await validate('pmpt_keyed');
  t.match(unauthorized, { valid: false, error: /^Could not verify with OpenAI/ });
  t.notMatch(unauthorized.error, /sk-test/, 'the key is not echoed');
  t.equal((await validate('pmpt_keyed')).valid, true, 'a 401 is not cached');

  stack.fake.definePrompt('pmpt_both');
  t.equal((await me.put('/my-prompts', { [IND]: 'pmpt_both', [COMP]: 'pmpt_both' })).statusCode, 200);
  t.equal(stack.fake.count('pmpt_both'), 1, 'one id in both fields is checked once');

  t.equal((await me.post('/validate', {})).statusCode, 400);
  t.equal((await me.post('/validate', { promptId: 'pmpt_alpha', extra: true })).statusCode, 400);
});

t.test('revert restores the old value and is recorded', async (t) => {
  const { stack, admin, rep } = await setup(t);
  const me = client(stack.app, rep);
  await me.put('/my-prompts', { [IND]: 'pmpt_alpha' });
  await me.put('/my-prompts', { [IND]: 'pmpt_beta' });
  const [first, second] = await dbChanges(stack, rep);

  const reverted = await me.post('/my-prompts/revert', { historyId: second!.id });
  t.equal(reverted.statusCode, 200, reverted.body);
  t.same(reverted.json(), { [IND]: 'pmpt_alpha', [COMP]: null, system_defaults: DEFAULTS });
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, 'pmpt_alpha');
  const history = (await me.get('/my-prompts/history')).json();
  t.equal(history.length, 3);
  t.match(history[0], {
    field: IND,
    oldValue: 'pmpt_beta',
    newValue: 'pmpt_alpha',
    changedBy: { id: rep.user.id, email: rep.user.email },
  });

  const before = stack.fake.count();
  const toDefault = await me.post('/my-prompts/revert', { historyId: first!.id });
  t.equal(toDefault.statusCode, 200);
  t.equal(toDefault.json()[IND], null, 'a null old value restores the system default');
  t.equal(stack.fake.count(), before, 'without an OpenAI call');
  t.equal((await dbChanges(stack, rep)).length, 4);
  const again = await me.post('/my-prompts/revert', { historyId: first!.id });
  t.equal(again.statusCode, 200);
  t.equal((await dbChanges(stack, rep)).length, 5, 'a revert is recorded even when it restores the current value');

  // An old value that no longer works is refused, and nothing changes.
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
  t.same(refused.json().details, { [COMP]: "Prompt with id 'pmpt_retired' not found." });
  t.equal((await dbUser(stack, rep)).openaiCompletePromptId, null);
  t.equal((await dbChanges(stack, rep)).length, 6, 'no row for the refused revert');

  const colleague = await addUser(stack.app, admin);
  await client(stack.app, colleague).put('/my-prompts', { [COMP]: 'pmpt_beta' });
  const [theirs] = await dbChanges(stack, colleague);
  const notMine = await me.post('/my-prompts/revert', { historyId: theirs!.id });
  t.equal(notMine.statusCode, 404, "another user's history entry is not found");
  t.equal((await dbUser(stack, colleague)).openaiCompletePromptId, 'pmpt_beta');

  for (const historyId of [randomUUID(), 'not-a-uuid']) {
    const res = await me.post('/my-prompts/revert', { historyId });
    t.equal(res.statusCode, 404);
    t.same(res.json(), { statusCode: 404, error: 'Not Found', message: 'History entry not found' });
  }
  t.equal((await me.post('/my-prompts/revert', { historyId: first!.id, field: IND })).statusCode, 400);
});

t.test('preview runs the extraction once and saves nothing', async (t) => {
  const { stack, rep } = await setup(t);
  const me = client(stack.app, rep);
  stack.fake.definePrompt('pmpt_extract', {
    model: 'gpt-extract',
    respond: (input) => JSON.stringify({ echo: input, nested: { score: 7 } }),
  });

  const res = await me.post('/preview', {
    promptId: 'pmpt_extract',
    transcript: [
      { role: 'agent', content: 'Hi' },
      { role: 'lead', content: 'Yes please' },
    ],
  });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.same(
    body.output,
    { echo: 'agent: Hi\nlead: Yes please', nested: { score: 7 } },
    'the parsed JSON object, from the flattened transcript',
  );
  t.equal(body.model, 'gpt-extract');
  t.equal(body.promptId, 'pmpt_extract');
  t.match(body.usage, { inputTokens: Number, outputTokens: Number, totalTokens: Number });
  t.equal(stack.fake.count('pmpt_extract'), 1, 'one run');
  t.match(stack.fake.requests.at(-1)?.body, { store: false }, 'not stored at OpenAI either');

  const user = await dbUser(stack, rep);
  t.equal(user.openaiIndividualPromptId, null, 'nothing saved');
  t.same(await dbChanges(stack, rep), []);
  t.equal(await tenantEm(stack.orm.em, rep.organization.id).count(Call, {}), 0);

  const malformed = await me.post('/preview', { promptId: 'bad id', transcript: 'hello' });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.json().details, { promptId: /Not an OpenAI prompt id/ });
  t.equal(stack.fake.count('bad id'), 0);

  const unknown = await me.post('/preview', { promptId: 'pmpt_nope', transcript: 'hello' });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().message, "Prompt with id 'pmpt_nope' not found.");

  stack.fake.enqueue('pmpt_extract', { output: 'not json at all' });
  const notJson = await me.post('/preview', { promptId: 'pmpt_extract', transcript: 'hello' });
  t.equal(notJson.statusCode, 400);
  t.match(notJson.json().message, /not JSON/);

  stack.fake.enqueue('pmpt_extract', { status: 500 });
  const down = await me.post('/preview', { promptId: 'pmpt_extract', transcript: 'hello' });
  t.equal(down.statusCode, 502);
  t.match(down.json(), { statusCode: 502, error: 'Bad Gateway', message: /OpenAI/ });

  stack.fake.enqueue('pmpt_extract', { status: 429, headers: { 'retry-after': '1' } });
  const limited = await me.post('/preview', { promptId: 'pmpt_extract', transcript: 'hello' });
  t.equal(limited.statusCode, 503);
  t.match(limited.json().message, /rate-limiting/);

  t.equal((await me.post('/preview', { promptId: 'pmpt_extract' })).statusCode, 400, 'a transcript is required');
  t.equal((await me.post('/preview', { promptId: 'pmpt_extract', transcript: 'x', save: true })).statusCode, 400);
});

t.test("admin: another user's prompts, history and bulk updates", async (t) => {
  const { stack, admin, rep } = await setup(t);
  const rep2 = await addUser(stack.app, admin);
  const boss = client(stack.app, admin);
  const changedBy = { id: admin.user.id, email: admin.user.email };

  const read = await boss.get(`/admin/users/${rep.user.id}/prompts`);
  t.equal(read.statusCode, 200);
  t.same(read.json(), { [IND]: null, [COMP]: null, system_defaults: DEFAULTS });

  const put = await boss.put(`/admin/users/${rep.user.id}/prompts`, { [COMP]: 'pmpt_beta' });
  t.equal(put.statusCode, 200, put.body);
  t.same(put.json(), { [IND]: null, [COMP]: 'pmpt_beta', system_defaults: DEFAULTS });
  t.equal((await dbUser(stack, rep)).openaiCompletePromptId, 'pmpt_beta');
  t.equal((await dbUser(stack, admin)).openaiCompletePromptId, null, "the admin's own settings are untouched");

  const history = await boss.get(`/admin/users/${rep.user.id}/prompts/history`);
  t.equal(history.statusCode, 200);
  t.match(history.json(), [{ field: COMP, oldValue: null, newValue: 'pmpt_beta', changedBy }]);
  t.same(
    (await client(stack.app, rep).get('/my-prompts/history')).json(),
    history.json(),
    'the user sees the admin as the actor',
  );

  const invalid = await boss.put(`/admin/users/${rep.user.id}/prompts`, { [IND]: 'pmpt_missing', [COMP]: null });
  t.equal(invalid.statusCode, 400);
  t.same(Object.keys(invalid.json().details), [IND]);
  t.equal((await dbUser(stack, rep)).openaiCompletePromptId, 'pmpt_beta', 'nothing saved');

  for (const userId of [randomUUID(), 'not-a-uuid']) {
    t.equal((await boss.get(`/admin/users/${userId}/prompts`)).statusCode, 404);
    t.equal((await boss.put(`/admin/users/${userId}/prompts`, { [IND]: null })).statusCode, 404);
    t.equal((await boss.get(`/admin/users/${userId}/prompts/history`)).statusCode, 404);
  }
  t.equal((await boss.put(`/admin/users/${rep.user.id}/prompts`, { userIds: [] })).statusCode, 400);

  stack.fake.definePrompt('pmpt_team', { model: 'gpt-team' });
  const unknownId = randomUUID();
  const bulk = await boss.put('/admin/prompts', {
    userIds: [rep.user.id, rep2.user.id, unknownId, 'nope'],
    [IND]: 'pmpt_team',
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
  t.equal(stack.fake.count('pmpt_team'), 1, 'validated once for all users');
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, 'pmpt_team');
  t.equal((await dbUser(stack, rep2)).openaiIndividualPromptId, 'pmpt_team');
  t.equal((await dbUser(stack, rep)).openaiCompletePromptId, 'pmpt_beta', 'a field not in the bulk body is kept');
  t.match((await client(stack.app, rep2).get('/my-prompts/history')).json(), [
    { field: IND, oldValue: null, newValue: 'pmpt_team', changedBy },
  ]);
  t.equal((await dbChanges(stack, rep2)).length, 1);

  const bulkInvalid = await boss.put('/admin/prompts', { userIds: [rep.user.id], [IND]: null, [COMP]: 'pmpt_missing' });
  t.equal(bulkInvalid.statusCode, 400);
  t.same(bulkInvalid.json().details, { [COMP]: "Prompt with id 'pmpt_missing' not found." });
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, 'pmpt_team', 'nothing applied');
  t.equal((await boss.put('/admin/prompts', { userIds: [] })).statusCode, 400);
  t.equal((await boss.put('/admin/prompts', { [IND]: null })).statusCode, 400, 'userIds is required');
});

t.test('prompt routes need a token (401); admin ones the admin role (403)', async (t) => {
  const { stack, admin, rep } = await setup(t);
  const userRoutes = [
    ['GET', '/my-prompts', undefined],
    ['PUT', '/my-prompts', { [IND]: null }],
    ['POST', '/validate', { promptId: 'pmpt_alpha' }],
    ['GET', '/my-prompts/history', undefined],
    ['POST', '/my-prompts/revert', { historyId: randomUUID() }],
    ['POST', '/preview', { promptId: 'pmpt_alpha', transcript: 'hi' }],
  ] as const;
  const adminRoutes = [
    ['GET', `/admin/users/${admin.user.id}/prompts`, undefined],
    ['PUT', `/admin/users/${admin.user.id}/prompts`, { [IND]: 'pmpt_alpha' }],
    ['GET', `/admin/users/${admin.user.id}/prompts/history`, undefined],
    ['PUT', '/admin/prompts', { userIds: [admin.user.id], [IND]: 'pmpt_alpha' }],
  ] as const;
  for (const [method, url, payload] of [...userRoutes, ...adminRoutes]) {
    const res = await stack.app.inject({ method, url: `/api/openai-prompts${url}`, ...(payload ? { payload } : {}) });
    t.equal(res.statusCode, 401, `${method} ${url} without a token`);
  }
  const asRep = client(stack.app, rep);
  for (const [method, url, payload] of adminRoutes) {
    const res = method === 'GET' ? await asRep.get(url) : await asRep.put(url, payload);
    t.equal(res.statusCode, 403, `${method} ${url} as a user`);
    t.same(res.json(), { statusCode: 403, error: 'Forbidden', message: 'This action requires the admin role' });
  }
  t.equal((await dbUser(stack, admin)).openaiIndividualPromptId, null, 'the refused requests changed nothing');
  t.same(await dbChanges(stack, admin), []);

  const docs = (await stack.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
  for (const path of [
    '/api/openai-prompts/my-prompts',
    '/api/openai-prompts/admin/prompts',
    '/api/openai-prompts/admin/users/{userId}/prompts/history',
    '/api/ai/preferences',
  ]) {
    t.ok(docs.paths[path], `${path} is in the OpenAPI document`);
  }
});

t.test('OpenAI unreachable and no system defaults', async (t) => {
  const closedPort = await freePort();
  const stack = await startStack(t, {
    worker: false,
    env: {
      OPENAI_BASE_URL: `http://127.0.0.1:${closedPort}/v1`,
      OPENAI_INDIVIDUAL_PROMPT_ID: undefined,
      OPENAI_COMPLETE_PROMPT_ID: undefined,
    },
  });
  const rep = await signup(stack.app);
  const me = client(stack.app, rep);

  t.same((await me.get('/my-prompts')).json(), {
    [IND]: null,
    [COMP]: null,
    system_defaults: { individual: null, complete: null },
  });
  const user = await dbUser(stack, rep);
  const none = firstPrompt(user, 'individual', systemDefaults(stack.config.openai));
  t.equal(none, undefined, 'neither a user prompt nor a default');

  const validation = await me.post('/validate', { promptId: 'pmpt_alpha' });
  t.equal(validation.statusCode, 200);
  t.match(validation.json(), { valid: false, error: /^Could not verify with OpenAI/ });
  t.notOk(validation.json().details);

  const put = await me.put('/my-prompts', { [IND]: 'pmpt_alpha', [COMP]: null });
  t.equal(put.statusCode, 400);
  t.match(put.json().details, { [IND]: /^Could not verify with OpenAI/ });
  t.equal((await dbUser(stack, rep)).openaiIndividualPromptId, null);

  const preview = await me.post('/preview', { promptId: 'pmpt_alpha', transcript: 'hello' });
  t.equal(preview.statusCode, 502);
  t.match(preview.json(), { statusCode: 502, error: 'Bad Gateway', message: /could not be reached/ });
});
