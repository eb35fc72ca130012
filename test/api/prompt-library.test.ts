// The prompt library (/prompts) end to end against PostgreSQL and the OpenAI stand-in: prompts, immutable
// versions, labels, built-ins, permissions, one-off runs; the organization defaults (/admin/prompt-defaults);
// and an upgraded database holding retired `pmpt_` settings: shown as legacy, refused, imported with `replaces`.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { addUser, as, deliverCall, signup, type Account } from '../support/api.js';
import { DEFAULT_MODEL, SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack } from '../support/harness.js';
import { callPayload, createTenant, setUserPrompts } from '../support/calls.js';
import { ANALYSIS_SCHEMA, stringsSchema } from '../support/prompts.js';
import {
  COMP,
  IND,
  auditOf,
  createPrompt,
  dbChanges,
  dbUser,
  promptBody,
  settingsClient,
  versionBody,
} from './support-prompts.js';

const stack = await startStack(t, { worker: false });
const { app, fake } = stack;
const api = (account: Account) => as(app, account);

t.test('a prompt is created with version 1 labelled production; versions are added; labels move', async (t) => {
  const tenant = await createTenant(stack);
  const me = api(tenant.rep);

  const created = await me.post('/prompts', promptBody({ description: 'For first calls' }, { note: 'first' }));
  t.equal(created.statusCode, 201, created.body);
  const prompt = created.json();
  t.match(prompt.id, /^prm_[A-Za-z0-9]{8,64}$/);
  t.same(
    { ...prompt, id: undefined, updatedAt: undefined },
    {
      id: undefined,
      name: 'Discovery calls',
      kind: 'individual',
      description: 'For first calls',
      builtIn: false,
      createdBy: { id: tenant.rep.user.id, email: tenant.rep.user.email },
      latestVersion: 1,
      labels: { production: 1 },
      updatedAt: undefined,
    },
  );
  t.notOk('replaced' in prompt, 'no replaced list without replaces');

  const v1 = await me.get(`/prompts/${prompt.id}/versions/1`);
  t.equal(v1.statusCode, 200, v1.body);
  t.match(v1.json(), {
    promptId: prompt.id,
    version: 1,
    instructions: versionBody().instructions,
    input: null,
    model: DEFAULT_MODEL,
    reasoningEffort: null,
    temperature: null,
    maxOutputTokens: null,
    outputSchema: ANALYSIS_SCHEMA,
    note: 'first',
    createdBy: { id: tenant.rep.user.id, email: tenant.rep.user.email },
    warnings: [],
  });

  const v2 = await me.post(
    `/prompts/${prompt.id}/versions`,
    versionBody({
      instructions: 'Tone: {{preferences.chatbotTone}}. {{{{literal braces}}',
      input: 'Call of {{call.startedAt}}:\n{{transcript}}',
      reasoningEffort: 'medium',
      temperature: 0.3,
      maxOutputTokens: 2000,
      note: 'warmer',
    }),
  );
  t.equal(v2.statusCode, 201, v2.body);
  t.match(v2.json(), {
    promptId: prompt.id,
    version: 2,
    reasoningEffort: 'medium',
    temperature: 0.3,
    maxOutputTokens: 2000,
    input: 'Call of {{call.startedAt}}:\n{{transcript}}',
    note: 'warmer',
  });

  const detail = await me.get(`/prompts/${prompt.id}`);
  t.equal(detail.statusCode, 200);
  t.match(detail.json(), { id: prompt.id, latestVersion: 2, labels: { production: 1 } }, 'labels did not move');
  t.same(
    detail.json().versions.map((v: { version: number; note: string; model: string }) => [v.version, v.note, v.model]),
    [
      [2, 'warmer', DEFAULT_MODEL],
      [1, 'first', DEFAULT_MODEL],
    ],
    'newest first',
  );

  const staging = await me.put(`/prompts/${prompt.id}/labels/staging`, { version: 2 });
  t.equal(staging.statusCode, 200, staging.body);
  t.same(staging.json().labels, { production: 1, staging: 2 });
  const promoted = await me.put(`/prompts/${prompt.id}/labels/production`, { version: 2 });
  t.same(promoted.json().labels, { production: 2, staging: 2 });
  t.equal((await me.delete(`/prompts/${prompt.id}/labels/staging`)).statusCode, 204);
  const noProduction = await me.delete(`/prompts/${prompt.id}/labels/production`);
  t.equal(noProduction.statusCode, 409);
  t.match(noProduction.json(), { statusCode: 409, error: 'Conflict', message: /production label cannot be deleted/ });
  t.same((await me.get(`/prompts/${prompt.id}`)).json().labels, { production: 2 });

  // What references resolve to: validate answers with the version it would run.
  const validate = async (promptId: string) =>
    (await settingsClient(app, tenant.rep).post('/validate', { promptId })).json();
  t.match(await validate(prompt.id), { valid: true, details: { promptId: prompt.id, promptVersion: 2 } });
  t.match(await validate(`${prompt.id}@1`), { valid: true, details: { promptVersion: 1 } });
  t.match(await validate(`${prompt.id}@staging`), { valid: false, error: /no label "staging"/ });
  t.match(await validate(`${prompt.id}@9`), { valid: false, error: /no version 9/ });

  // Bad input is a 400 naming the field, never a 500.
  const badLabel = await me.put(`/prompts/${prompt.id}/labels/Not_A_Label`, { version: 1 });
  t.equal(badLabel.statusCode, 400);
  t.match(badLabel.json().details, { label: /must match/ });
  const noSuchVersion = await me.put(`/prompts/${prompt.id}/labels/beta`, { version: 7 });
  t.equal(noSuchVersion.statusCode, 400);
  t.match(noSuchVersion.json().details, { version: /1 to 2/ });
  t.equal((await me.put(`/prompts/${prompt.id}/labels/beta`, { version: 'two' })).statusCode, 400);
  t.equal((await me.delete(`/prompts/${prompt.id}/labels/nope`)).statusCode, 404);
  t.equal((await me.get(`/prompts/${prompt.id}/versions/3`)).statusCode, 404);
  t.equal((await me.get(`/prompts/${prompt.id}/versions/zero`)).statusCode, 400);
  t.equal((await me.get(`/prompts/${prompt.id}/versions/99999999999`)).statusCode, 400);
  t.equal((await me.put(`/prompts/${prompt.id}/labels/beta`, { version: 99999999999 })).statusCode, 400);
  t.equal((await me.get('/prompts/prm_doesnotexist1/versions/1')).statusCode, 404);
  // Longer than any prompt id: the router matches no route.
  t.match((await me.get(`/prompts/${'x'.repeat(101)}`)).json(), { statusCode: 404, error: 'Not Found' });
  for (const body of [
    {},
    promptBody({ kind: 'other' }),
    promptBody({ name: '' }),
    promptBody({}, { model: 'has spaces' }),
    promptBody({}, { temperature: 3 }),
    promptBody({}, { reasoningEffort: 'extreme' }),
    promptBody({}, { outputSchema: 'not an object' }),
    promptBody({ extra: true }),
  ]) {
    const res = await me.post('/prompts', body);
    t.equal(res.statusCode, 400, `POST /prompts ${JSON.stringify(body).slice(0, 80)}`);
    t.ok(res.json().details && Object.keys(res.json().details).length > 0, 'with details');
  }
  const badModel = await me.post('/prompts', promptBody({}, { model: 'has spaces' }));
  t.match(badModel.json().details, { model: /model name/ });

  const audit = (await auditOf(app, tenant.admin, 'prompt.created')).concat(
    await auditOf(app, tenant.admin, 'prompt.version_created'),
    await auditOf(app, tenant.admin, 'prompt.label_moved'),
  );
  t.equal(audit.length, 1 + 1 + 3, 'created, one version, three label changes');
});

t.test('the list shows the built-ins and the organization prompts, filtered by kind', async (t) => {
  const tenant = await createTenant(stack);
  const other = await createTenant(stack);
  const mine = await createPrompt(app, tenant.rep);
  const complete = await createPrompt(app, tenant.admin, promptBody({ name: 'Leads', kind: 'complete' }));
  await createPrompt(app, other.admin);

  const all = await api(tenant.rep).get('/prompts');
  t.equal(all.statusCode, 200, all.body);
  const ids = all.json().map((p: { id: string }) => p.id);
  t.same(ids.sort(), [SYSTEM_INDIVIDUAL_PROMPT, SYSTEM_COMPLETE_PROMPT, mine.id, complete.id].sort());
  t.match(
    all.json().find((p: { id: string }) => p.id === SYSTEM_INDIVIDUAL_PROMPT),
    {
      builtIn: true,
      createdBy: null,
      kind: 'individual',
      labels: { production: 1 },
      model: DEFAULT_MODEL,
    },
  );
  const individual = await api(tenant.rep).get('/prompts?kind=individual');
  t.same(
    individual
      .json()
      .map((p: { id: string }) => p.id)
      .sort(),
    [SYSTEM_INDIVIDUAL_PROMPT, mine.id].sort(),
  );
  t.equal((await api(tenant.rep).get('/prompts?kind=nope')).statusCode, 400);
});

t.test('built-in prompts are read-only (409, duplicate them) and duplicate into an editable prompt', async (t) => {
  const tenant = await createTenant(stack);
  const me = api(tenant.rep);
  const builtIn = await me.get(`/prompts/${SYSTEM_INDIVIDUAL_PROMPT}`);
  t.equal(builtIn.statusCode, 200, builtIn.body);
  t.match(builtIn.json(), { id: SYSTEM_INDIVIDUAL_PROMPT, builtIn: true, createdBy: null, versions: [{ version: 1 }] });
  const version = await me.get(`/prompts/${SYSTEM_INDIVIDUAL_PROMPT}/versions/1`);
  t.equal(version.statusCode, 200);
  t.match(version.json(), { model: DEFAULT_MODEL, reasoningEffort: 'low', createdBy: null, warnings: [] });
  t.same(Object.keys(version.json().outputSchema.properties).sort(), [
    'budget',
    'decisionMaker',
    'interestLevel',
    'nextSteps',
    'objections',
    'sentiment',
    'summary',
    'timeline',
  ]);

  const admin = api(tenant.admin);
  for (const [what, res] of [
    ['new version', await admin.post(`/prompts/${SYSTEM_INDIVIDUAL_PROMPT}/versions`, versionBody())],
    ['label', await admin.put(`/prompts/${SYSTEM_INDIVIDUAL_PROMPT}/labels/staging`, { version: 1 })],
    ['label deletion', await admin.delete(`/prompts/${SYSTEM_COMPLETE_PROMPT}/labels/staging`)],
    ['production label deletion', await admin.delete(`/prompts/${SYSTEM_COMPLETE_PROMPT}/labels/production`)],
    ['deletion', await admin.delete(`/prompts/${SYSTEM_COMPLETE_PROMPT}`)],
  ] as const) {
    t.equal(res.statusCode, 409, `${what} of a built-in`);
    t.match(res.json(), { statusCode: 409, error: 'Conflict', message: /[Dd]uplicate/ }, what);
  }

  const copy = await me.post(`/prompts/${SYSTEM_INDIVIDUAL_PROMPT}/duplicate`, { name: 'My analysis' });
  t.equal(copy.statusCode, 201, copy.body);
  t.match(copy.json(), {
    name: 'My analysis',
    kind: 'individual',
    builtIn: false,
    createdBy: { id: tenant.rep.user.id },
    latestVersion: 1,
    labels: { production: 1 },
  });
  const copied = (await me.get(`/prompts/${copy.json().id}/versions/1`)).json();
  t.equal(copied.instructions, version.json().instructions, 'the built-in text');
  t.same(copied.outputSchema, version.json().outputSchema);
  t.equal(copied.reasoningEffort, 'low');
  const v2 = await me.post(`/prompts/${copy.json().id}/versions`, { ...versionBody(), note: 'mine now' });
  t.equal(v2.statusCode, 201, 'the copy is editable by its creator');

  const fromVersion = await me.post(`/prompts/${copy.json().id}/duplicate`, { name: 'Second copy', version: 2 });
  t.equal(fromVersion.statusCode, 201);
  t.equal(
    (await me.get(`/prompts/${fromVersion.json().id}/versions/1`)).json().note,
    `Duplicated from ${copy.json().id}@2`,
  );
  const missing = await me.post(`/prompts/${copy.json().id}/duplicate`, { name: 'x', version: 9 });
  t.equal(missing.statusCode, 400);
  t.equal((await me.post(`/prompts/${copy.json().id}/duplicate`, {})).statusCode, 400, 'a name is required');
  t.equal((await me.post('/prompts/prm_doesnotexist1/duplicate', { name: 'x' })).statusCode, 404);
});

t.test(
  'versions that cannot work are refused with details; those that will not work well carry warnings',
  async (t) => {
    const tenant = await createTenant(stack);
    const me = api(tenant.rep);

    const unknownVariable = await me.post(
      '/prompts',
      promptBody({}, { instructions: 'Hello {{rep.nickname}} and {{ lead.name }}', input: '{{lead.newAnalyses}}' }),
    );
    t.equal(unknownVariable.statusCode, 400);
    t.match(unknownVariable.json(), {
      statusCode: 400,
      error: 'Bad Request',
      details: { instructions: /unknown template variable.*\{\{rep\.nickname\}\}/, input: /\{\{lead\.newAnalyses\}\}/ },
    });
    t.notMatch(unknownVariable.json().details.instructions, /lead\.name/, 'a documented name with spaces is fine');
    const completeVariables = await me.post(
      '/prompts',
      promptBody({ kind: 'complete' }, { input: '{{lead.previousAnalysis}} {{lead.newAnalyses}}' }),
    );
    t.equal(completeVariables.statusCode, 201, 'a complete prompt has the fold variables');

    const loose = { type: 'object', properties: { summary: { type: 'string' } } };
    const notStrict = await me.post('/prompts', promptBody({}, { outputSchema: loose }));
    t.equal(notStrict.statusCode, 400);
    t.match(notStrict.json().details, { outputSchema: /additionalProperties.*false/ });
    const notObject = await me.post('/prompts', promptBody({}, { outputSchema: { type: 'array', items: {} } }));
    t.match(notObject.json().details, { outputSchema: /root must have type "object"/ });
    const unsupported = await me.post(
      '/prompts',
      promptBody({}, { outputSchema: { ...stringsSchema('summary'), patternProperties: {} } }),
    );
    t.match(unsupported.json().details, { outputSchema: /patternProperties/ });
    const tooLong = await me.post('/prompts', promptBody({}, { instructions: 'x'.repeat(32_001) }));
    t.equal(tooLong.statusCode, 400);

    const prompt = await createPrompt(app, tenant.rep);
    const refusedVersion = await me.post(`/prompts/${prompt.id}/versions`, versionBody({ outputSchema: loose }));
    t.equal(refusedVersion.statusCode, 400);
    t.match(refusedVersion.json().details, { outputSchema: /required/ });
    t.equal((await me.get(`/prompts/${prompt.id}`)).json().latestVersion, 1, 'nothing saved');

    const partial = await me.post(
      `/prompts/${prompt.id}/versions`,
      versionBody({ outputSchema: stringsSchema('summary', 'sentiment') }),
    );
    t.equal(partial.statusCode, 201, 'missing scoring fields do not refuse the version');
    t.match(partial.json().warnings, [/lacks fields lead scoring reads: interestLevel, budget, timeline/]);

    fake.defineModel('gpt-4o', { shutdownDate: '2027-01-14' });
    const retiring = await me.post(`/prompts/${prompt.id}/versions`, versionBody({ model: 'gpt-4o' }));
    t.equal(retiring.statusCode, 201, retiring.body);
    t.match(retiring.json().warnings, [/gpt-4o shuts down on 2027-01-14 \(in \d+ days\)/]);
    t.ok(fake.modelRequests.includes('gpt-4o'), 'the model was asked of GET /v1/models/{id}');

    await me.put(`/prompts/${prompt.id}/labels/production`, { version: 3 });
    const listed = (await me.get('/prompts?kind=individual')).json().find((p: { id: string }) => p.id === prompt.id);
    t.match(listed, { productionVersion: 3, model: 'gpt-4o', warnings: [/2027-01-14/] }, 'the library row shows it');

    const validation = await settingsClient(app, tenant.rep).post('/validate', { promptId: prompt.id });
    t.match(validation.json(), {
      valid: true,
      details: {
        promptVersion: 3,
        model: 'gpt-4o',
        shutdownDate: '2027-01-14',
        warnings: [/shuts down on 2027-01-14/],
      },
    });
    const far = await settingsClient(app, tenant.rep).post('/validate', { promptId: `${prompt.id}@1` });
    t.match(far.json(), { valid: true, details: { model: DEFAULT_MODEL, shutdownDate: null, warnings: [] } });
  },
);

t.test('who may change a prompt: its creator or an admin (403); another organization: 404', async (t) => {
  const tenant = await createTenant(stack);
  const colleague = await addUser(app, tenant.admin);
  const outsider = await signup(app);
  const prompt = await createPrompt(app, tenant.rep);

  const them = api(colleague);
  t.equal((await them.get(`/prompts/${prompt.id}`)).statusCode, 200, 'anyone of the organization reads it');
  for (const [what, res] of [
    ['new version', await them.post(`/prompts/${prompt.id}/versions`, versionBody())],
    ['label', await them.put(`/prompts/${prompt.id}/labels/staging`, { version: 1 })],
    ['label deletion', await them.delete(`/prompts/${prompt.id}/labels/staging`)],
    ['deletion', await them.delete(`/prompts/${prompt.id}`)],
  ] as const) {
    t.equal(res.statusCode, 403, what);
    t.match(res.json(), { statusCode: 403, error: 'Forbidden', message: /creator or an admin/ });
  }
  t.equal((await them.post(`/prompts/${prompt.id}/duplicate`, { name: 'Mine' })).statusCode, 201, 'but may copy it');

  const boss = api(tenant.admin);
  t.equal((await boss.post(`/prompts/${prompt.id}/versions`, versionBody())).statusCode, 201, 'an admin may');
  t.equal((await boss.put(`/prompts/${prompt.id}/labels/staging`, { version: 2 })).statusCode, 200);
  t.equal((await boss.delete(`/prompts/${prompt.id}/labels/staging`)).statusCode, 204);

  const stranger = api(outsider);
  for (const [what, res] of [
    ['read', await stranger.get(`/prompts/${prompt.id}`)],
    ['version', await stranger.get(`/prompts/${prompt.id}/versions/1`)],
    ['new version', await stranger.post(`/prompts/${prompt.id}/versions`, versionBody())],
    ['label', await stranger.put(`/prompts/${prompt.id}/labels/production`, { version: 1 })],
    ['label deletion', await stranger.delete(`/prompts/${prompt.id}/labels/staging`)],
    ['duplicate', await stranger.post(`/prompts/${prompt.id}/duplicate`, { name: 'Stolen' })],
    ['deletion', await stranger.delete(`/prompts/${prompt.id}`)],
    ['run', await stranger.post('/prompts/run', { prompt: prompt.id, transcript: 'hello' })],
  ] as const) {
    t.equal(res.statusCode, what === 'run' ? 400 : 404, `${what} of another organization's prompt`);
    t.notMatch(res.body, /Discovery calls/, 'nothing of it leaks');
  }
  const foreignSetting = await settingsClient(app, outsider).put('/my-prompts', { [IND]: prompt.id });
  t.equal(foreignSetting.statusCode, 400);
  t.match(foreignSetting.json().details, { [IND]: /does not exist/ });
  const foreignDefault = await api(outsider).put('/admin/prompt-defaults', { individual: prompt.id });
  t.equal(foreignDefault.statusCode, 400);

  t.equal((await api(tenant.rep).get(`/prompts/${prompt.id}`)).json().latestVersion, 2, 'nothing changed');
  t.equal((await api(tenant.rep).delete(`/prompts/${prompt.id}`)).statusCode, 204, 'its creator may delete it');
  t.equal((await api(tenant.rep).get(`/prompts/${prompt.id}`)).statusCode, 404);
  t.equal((await api(tenant.rep).get(`/prompts/${prompt.id}/versions/1`)).statusCode, 404);
  t.equal((await auditOf(app, tenant.admin, 'prompt.deleted')).length, 1);
});

t.test('a prompt in use cannot be deleted (409 naming who uses it)', async (t) => {
  const tenant = await createTenant(stack);
  const prompt = await createPrompt(app, tenant.admin);
  const complete = await createPrompt(app, tenant.admin, promptBody({ name: 'Folds', kind: 'complete' }));
  t.equal((await settingsClient(app, tenant.rep).put('/my-prompts', { [IND]: `${prompt.id}@1` })).statusCode, 200);
  const boss = api(tenant.admin);

  const inUse = await boss.delete(`/prompts/${prompt.id}`);
  t.equal(inUse.statusCode, 409);
  t.match(inUse.json(), { statusCode: 409, error: 'Conflict', message: tenant.rep.user.email });

  t.equal((await boss.put('/admin/prompt-defaults', { complete: complete.id })).statusCode, 200);
  const byDefault = await boss.delete(`/prompts/${complete.id}`);
  t.equal(byDefault.statusCode, 409);
  t.match(byDefault.json().message, /organization default/);

  t.equal((await settingsClient(app, tenant.rep).put('/my-prompts', { [IND]: null })).statusCode, 200);
  t.equal((await boss.put('/admin/prompt-defaults', { complete: null })).statusCode, 200);
  t.equal((await boss.delete(`/prompts/${prompt.id}`)).statusCode, 204);
  t.equal((await boss.delete(`/prompts/${complete.id}`)).statusCode, 204);
  t.equal((await boss.delete(`/prompts/${complete.id}`)).statusCode, 404);
});

t.test('POST /prompts/run: a saved reference or a draft, on a transcript or a call; nothing saved', async (t) => {
  const tenant = await createTenant(stack);
  const me = api(tenant.rep);
  const prompt = await createPrompt(
    app,
    tenant.rep,
    promptBody({}, { instructions: 'For {{organization.name}}, lead {{lead.name}}.', temperature: 0.2 }),
  );

  fake.reset();
  const saved = await me.post('/prompts/run', {
    prompt: prompt.id,
    transcript: [
      { role: 'agent', content: 'Hi' },
      { role: 'lead', content: 'Yes, I am interested' },
    ],
  });
  t.equal(saved.statusCode, 200, saved.body);
  t.match(saved.json(), {
    valid: true,
    errors: [],
    model: DEFAULT_MODEL,
    promptId: prompt.id,
    promptVersion: 1,
    output: { sentiment: 'positive', budget: 'unknown', objections: [] },
    usage: { inputTokens: Number, outputTokens: Number, totalTokens: Number },
  });
  t.equal(fake.requests.length, 1, 'one request');
  const sent = fake.requests[0]!.body;
  t.notOk('prompt' in sent, 'never the retired prompt field');
  t.match(sent, {
    model: DEFAULT_MODEL,
    instructions: /^For Sample Organization, lead Sample Lead\.$/,
    input: 'agent: Hi\nlead: Yes, I am interested',
    text: { format: { type: 'json_schema', name: 'Discovery_calls', schema: ANALYSIS_SCHEMA, strict: true } },
    temperature: 0.2,
    store: false,
    metadata: { callsense_prompt: `${prompt.id}@1` },
  });

  const draftSchema = stringsSchema('summary', 'mood');
  const draft = await me.post('/prompts/run', {
    prompt: {
      instructions: 'Draft for {{organization.name}}',
      model: 'gpt-5-mini',
      reasoningEffort: 'high',
      outputSchema: draftSchema,
    },
    transcript: 'agent: hello',
  });
  t.equal(draft.statusCode, 200, draft.body);
  t.match(draft.json(), {
    valid: true,
    promptId: null,
    promptVersion: null,
    model: 'gpt-5-mini',
    output: { mood: 'n/a' },
  });
  const draftSent = fake.requests[1]!.body;
  t.notOk('prompt' in draftSent);
  t.match(draftSent, {
    model: 'gpt-5-mini',
    instructions: 'Draft for Sample Organization',
    input: 'agent: hello',
    reasoning: { effort: 'high' },
    text: { format: { type: 'json_schema', schema: draftSchema, strict: true } },
    store: false,
  });

  // A call of the caller: its own variables, as in a real analysis.
  const delivered = await deliverCall(app, tenant.organizationId, tenant.secret, {
    ...callPayload(tenant.rep.user.id, { transcript: 'lead: What does it cost?' }),
    lead: { externalId: `lead-${randomUUID()}`, name: 'Ada Lovelace' },
  });
  t.equal(delivered.statusCode, 202, delivered.body);
  const callId = delivered.json().id;
  const onCall = await me.post('/prompts/run', { prompt: prompt.id, callId });
  t.equal(onCall.statusCode, 200, onCall.body);
  t.match(fake.requests.at(-1)!.body, {
    instructions: `For ${tenant.admin.organization.name}, lead Ada Lovelace.`,
    input: 'lead: What does it cost?',
  });
  const colleague = await addUser(app, tenant.admin);
  t.equal(
    (await api(colleague).post('/prompts/run', { prompt: prompt.id, callId })).statusCode,
    404,
    "another rep's call",
  );
  t.equal((await me.post('/prompts/run', { prompt: prompt.id, callId: randomUUID() })).statusCode, 404);
  t.equal((await me.post('/prompts/run', { prompt: prompt.id, callId: 'nope' })).statusCode, 404);
  t.equal(
    (await api(tenant.admin).post('/prompts/run', { prompt: prompt.id, callId })).statusCode,
    200,
    'an admin may',
  );

  // Off-schema output is reported, not thrown.
  fake.enqueue(prompt.id, { output: JSON.stringify({ summary: 'only this' }) });
  const offSchema = await me.post('/prompts/run', { prompt: prompt.id, transcript: 'x' });
  t.equal(offSchema.statusCode, 200);
  t.match(offSchema.json(), {
    valid: false,
    errors: [/required property 'sentiment'/],
    output: { summary: 'only this' },
  });
  fake.enqueue(prompt.id, { output: 'not json' });
  t.match((await me.post('/prompts/run', { prompt: prompt.id, transcript: 'x' })).json(), {
    valid: false,
    output: 'not json',
    errors: [/not JSON/],
  });

  const before = fake.requests.length;
  for (const [what, body, field] of [
    ['no transcript or call', { prompt: prompt.id }, 'transcript'],
    ['unknown prompt', { prompt: 'prm_doesnotexist1', transcript: 'x' }, 'prompt'],
    ['malformed reference', { prompt: 'not a ref', transcript: 'x' }, 'prompt'],
    ['retired id', { prompt: 'pmpt_abc123', transcript: 'x' }, 'prompt'],
    [
      'bad draft',
      { prompt: { instructions: '{{nope}}', model: 'gpt-5-mini', outputSchema: {} }, transcript: 'x' },
      'instructions',
    ],
  ] as const) {
    const res = await me.post('/prompts/run', body);
    t.equal(res.statusCode, 400, what);
    t.ok(res.json().details?.[field], `${what}: details.${field}`);
  }
  t.equal(fake.requests.length, before, 'refused runs reach no OpenAI');
  t.equal((await me.post('/prompts/run', { prompt: 42, transcript: 'x' })).statusCode, 400);

  fake.removeModel('gpt-5-mini');
  const gone = await me.post('/prompts/run', { prompt: { ...versionBody({ model: 'gpt-5-mini' }) }, transcript: 'x' });
  t.equal(gone.statusCode, 400);
  t.match(gone.json().details, { prompt: /model gpt-5-mini not found/ });
  fake.defineModel('gpt-5-mini');

  t.same((await dbChanges(stack, tenant.rep)).length, 0, 'no setting changed');
});

t.test('an upgraded database: pmpt_ settings are legacy, refused, and imported with replaces', async (t) => {
  const tenant = await createTenant(stack);
  const other = await createTenant(stack);
  const colleague = await addUser(app, tenant.admin);
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: 'pmpt_68a1legacy', complete: 'pmpt_68a1complete' });
  await setUserPrompts(tenant, colleague.user.id, { individual: 'pmpt_68a1legacy' });
  await setUserPrompts(other, other.rep.user.id, { individual: 'pmpt_68a1legacy' });

  const me = settingsClient(app, tenant.rep);
  const view = await me.get('/my-prompts');
  t.equal(view.statusCode, 200, view.body);
  t.match(view.json(), {
    [IND]: 'pmpt_68a1legacy',
    [COMP]: 'pmpt_68a1complete',
    system_defaults: { individual: SYSTEM_INDIVIDUAL_PROMPT, complete: SYSTEM_COMPLETE_PROMPT },
    organization_defaults: { individual: null, complete: null },
    effective: {
      individual: { promptId: SYSTEM_INDIVIDUAL_PROMPT, version: 1, model: DEFAULT_MODEL, source: 'system' },
      complete: { promptId: SYSTEM_COMPLETE_PROMPT, version: 1, source: 'system' },
    },
    legacy: {
      [IND]: /pmpt_68a1legacy is an OpenAI stored prompt, retired on 2026-11-30.*never sent.*POST \/prompts/,
      [COMP]: /pmpt_68a1complete/,
    },
  });
  const me2 = await as(app, tenant.rep).get('/auth/me');
  t.match(me2.json(), { [IND]: 'pmpt_68a1legacy', [COMP]: 'pmpt_68a1complete' }, '/auth/me shows the stored values');

  const refused = await me.put('/my-prompts', { [IND]: 'pmpt_68a1other' });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().details, {
    [IND]: /OpenAI retired stored prompts on 2026-11-30.*POST \/prompts \(replaces\)/,
  });
  t.match((await me.post('/validate', { promptId: 'pmpt_68a1legacy' })).json(), {
    valid: false,
    error: /retired stored prompts on 2026-11-30/,
  });

  // Importing the text: every user of this organization holding the id switches; the other organization's don't.
  const bad = await api(tenant.admin).post('/prompts', promptBody({ replaces: 'prm_notretired1' }));
  t.equal(bad.statusCode, 400);
  t.match(bad.json().details, { replaces: /pmpt_/ });
  const imported = await api(tenant.admin).post(
    '/prompts',
    promptBody({ name: 'Imported', replaces: 'pmpt_68a1legacy' }),
  );
  t.equal(imported.statusCode, 201, imported.body);
  const id = imported.json().id;
  t.same(
    [...imported.json().replaced].sort((a: { userId: string }, b: { userId: string }) =>
      a.userId.localeCompare(b.userId),
    ),
    [
      { userId: tenant.rep.user.id, field: IND },
      { userId: colleague.user.id, field: IND },
    ].sort((a, b) => a.userId.localeCompare(b.userId)),
  );
  t.equal((await dbUser(stack, tenant.rep)).openaiIndividualPromptId, id);
  t.equal((await dbUser(stack, colleague)).openaiIndividualPromptId, id);
  t.equal((await dbUser(stack, tenant.rep)).openaiCompletePromptId, 'pmpt_68a1complete', 'the other kind is untouched');
  t.equal(
    (await dbUser(stack, other.rep)).openaiIndividualPromptId,
    'pmpt_68a1legacy',
    'other organizations untouched',
  );

  const after = (await me.get('/my-prompts')).json();
  t.match(after.effective.individual, { promptId: id, version: 1, name: 'Imported', source: 'user' });
  t.same(Object.keys(after.legacy), [COMP]);
  const history = (await me.get('/my-prompts/history')).json();
  t.match(history, [
    { field: IND, oldValue: 'pmpt_68a1legacy', newValue: id, changedBy: { id: tenant.admin.user.id } },
  ]);
  t.match(await auditOf(app, tenant.admin, 'prompt.changed'), [
    { details: { field: IND, oldValue: 'pmpt_68a1legacy', newValue: id } },
    { details: { field: IND, oldValue: 'pmpt_68a1legacy', newValue: id } },
  ]);

  const revert = await me.post('/my-prompts/revert', { historyId: history[0].id });
  t.equal(revert.statusCode, 400, 'a retired value cannot be restored');
  t.match(revert.json(), { message: /retired/, details: { historyId: /retired stored prompts on 2026-11-30/ } });
  t.equal((await dbUser(stack, tenant.rep)).openaiIndividualPromptId, id);

  const none = await api(tenant.admin).post('/prompts', promptBody({ name: 'Nobody', replaces: 'pmpt_nobodyhasit' }));
  t.equal(none.statusCode, 201);
  t.same(none.json().replaced, [], 'an id nobody holds switches nobody');
});

t.test('organization defaults: validated, audited, and the next in line for users without a setting', async (t) => {
  const tenant = await createTenant(stack);
  const boss = api(tenant.admin);
  const individual = await createPrompt(app, tenant.admin, promptBody({ name: 'Team analysis' }));
  const complete = await createPrompt(app, tenant.admin, promptBody({ name: 'Team folds', kind: 'complete' }));

  const initial = await boss.get('/admin/prompt-defaults');
  t.equal(initial.statusCode, 200);
  t.same(initial.json(), { individual: null, complete: null });

  const put = await boss.put('/admin/prompt-defaults', { individual: `${individual.id}@1` });
  t.equal(put.statusCode, 200, put.body);
  t.same(put.json(), { individual: `${individual.id}@1`, complete: null });
  t.same((await boss.get('/admin/prompt-defaults')).json(), put.json());
  t.match(await auditOf(app, tenant.admin, 'prompt.defaults_changed'), [
    { details: { before: { individual: null }, after: { individual: `${individual.id}@1` } } },
  ]);

  const view = (await settingsClient(app, tenant.rep).get('/my-prompts')).json();
  t.match(view, {
    [IND]: null,
    organization_defaults: { individual: `${individual.id}@1`, complete: null },
    effective: {
      individual: { promptId: individual.id, version: 1, name: 'Team analysis', source: 'organization' },
      complete: { promptId: SYSTEM_COMPLETE_PROMPT, source: 'system' },
    },
  });
  // A retired setting falls to the organization default.
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: 'pmpt_old' });
  t.match((await settingsClient(app, tenant.rep).get('/my-prompts')).json().effective.individual, {
    promptId: individual.id,
    source: 'organization',
  });

  for (const [what, body, field, why] of [
    ['wrong kind', { complete: individual.id }, 'complete', /individual prompt, not complete/],
    ['unknown', { individual: 'prm_doesnotexist1' }, 'individual', /does not exist/],
    ['malformed', { individual: 'nope' }, 'individual', /Not a prompt reference/],
    ['retired', { complete: 'pmpt_abc' }, 'complete', /retired stored prompts on 2026-11-30/],
  ] as const) {
    const res = await boss.put('/admin/prompt-defaults', body);
    t.equal(res.statusCode, 400, what);
    t.match(res.json().details, { [field]: why }, what);
  }
  t.equal((await boss.put('/admin/prompt-defaults', { other: null })).statusCode, 400);
  t.same((await boss.get('/admin/prompt-defaults')).json(), put.json(), 'nothing saved by refusals');

  const both = await boss.put('/admin/prompt-defaults', { individual: null, complete: complete.id });
  t.same(both.json(), { individual: null, complete: complete.id });
  t.equal((await auditOf(app, tenant.admin, 'prompt.defaults_changed')).length, 2);
  t.equal((await boss.put('/admin/prompt-defaults', {})).statusCode, 200);
  t.equal((await auditOf(app, tenant.admin, 'prompt.defaults_changed')).length, 2, 'no change, no entry');

  t.equal((await api(tenant.rep).get('/admin/prompt-defaults')).statusCode, 403);
  t.equal((await api(tenant.rep).put('/admin/prompt-defaults', { individual: null })).statusCode, 403);
});

t.test('without OPENAI_API_KEY or OPENAI_BASE_URL: on-demand runs answer 503; the library still works', async (t) => {
  const bare = await startStack(t, { worker: false, env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined } });
  const admin = await signup(bare.app);
  const prompt = await createPrompt(bare.app, admin);
  const me = as(bare.app, admin);
  for (const [what, res] of [
    ['run', await me.post('/prompts/run', { prompt: prompt.id, transcript: 'hello' })],
    ['draft run', await me.post('/prompts/run', { prompt: versionBody(), transcript: 'hello' })],
    ['validate', await me.post('/openai-prompts/validate', { promptId: prompt.id })],
    ['preview', await me.post('/openai-prompts/preview', { promptId: prompt.id, transcript: 'hello' })],
  ] as const) {
    t.equal(res.statusCode, 503, what);
    t.match(res.json(), { statusCode: 503, message: /OPENAI_API_KEY/ }, what);
    t.ok(res.headers['retry-after'], `${what}: Retry-After`);
  }
  t.match((await me.post('/openai-prompts/validate', { promptId: 'prm_doesnotexist1' })).json(), {
    valid: false,
    error: /does not exist/,
  });
  const saved = await me.put('/openai-prompts/my-prompts', { [IND]: prompt.id });
  t.equal(saved.statusCode, 200, 'settings can be prepared before a key is configured');
  t.equal((await me.put('/admin/prompt-defaults', { complete: SYSTEM_COMPLETE_PROMPT })).statusCode, 200);
  t.equal(bare.fake.requests.length, 0);
});
