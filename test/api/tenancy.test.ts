// Tenant isolation: the ORM fails closed without a tenant, and an admin of organization A
// using any id of organization B gets 404 (or ok: false in bulk) with nothing changed in B.
import t from 'tap';
import { Organization } from '../../src/domain/accounts/organization.entity.js';
import { User } from '../../src/domain/accounts/user.entity.js';
import { PromptChange } from '../../src/domain/prompts/prompt-change.entity.js';
import { UserAIPreferences } from '../../src/domain/preferences/user-ai-preferences.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { SYSTEM_COMPLETE_PROMPT, startStack } from '../support/harness.js';
import { addUser, as, signup } from '../support/api.js';
import { createPrompt, promptBody } from './support-prompts.js';

t.test('a query without tenant context throws', async (t) => {
  const stack = await startStack(t, { worker: false });
  const a = await signup(stack.app);
  await signup(stack.app);
  const bare = () => stack.orm.em.fork();
  const NO_TENANT = /No arguments provided for filter 'tenant'/;

  await t.rejects(bare().find(User, {}), NO_TENANT, 'find(User)');
  await t.rejects(bare().findOne(User, { id: a.user.id }), NO_TENANT, 'findOne(User) by id');
  await t.rejects(bare().count(User, {}), NO_TENANT, 'count(User)');
  await t.rejects(bare().find(Organization, {}), NO_TENANT, 'find(Organization)');
  await t.rejects(bare().find(PromptChange, {}), NO_TENANT, 'find(PromptChange)');
  await t.rejects(bare().find(UserAIPreferences, {}), NO_TENANT, 'find(UserAIPreferences)');
  await t.rejects(
    bare().nativeUpdate(User, { id: a.user.id }, { firstName: 'Mallory' }),
    NO_TENANT,
    'nativeUpdate(User)',
  );
  await t.rejects(bare().nativeDelete(User, { id: a.user.id }), NO_TENANT, 'nativeDelete(User)');
  t.equal(
    (await tenantEm(stack.orm.em, a.organization.id).findOneOrFail(User, { id: a.user.id })).firstName,
    null,
    'the refused update wrote nothing',
  );

  const scoped = await tenantEm(stack.orm.em, a.organization.id).find(User, {});
  t.same(
    scoped.map((u) => u.id),
    [a.user.id],
    "with a tenant, only that organization's rows",
  );
  t.equal(await tenantEm(stack.orm.em, a.organization.id).count(Organization, {}), 1);
});

t.test('an admin of organization A cannot reach organization B', async (t) => {
  const stack = await startStack(t, { worker: false });
  const adminA = await signup(stack.app);
  const adminB = await signup(stack.app);
  const repB = await addUser(stack.app, adminB);
  const promptA = (await createPrompt(stack.app, adminA, promptBody({ name: 'Prompt of A' }))).id;
  const promptB = (await createPrompt(stack.app, adminB, promptBody({ name: 'Prompt of B' }))).id;
  const emB = () => tenantEm(stack.orm.em, adminB.organization.id);
  const emA = () => tenantEm(stack.orm.em, adminA.organization.id);

  // Organization B has settings and history of its own.
  const setB = await as(stack.app, repB).put('/openai-prompts/my-prompts', { openai_individual_prompt_id: promptB });
  t.equal(setB.statusCode, 200);
  const [historyB] = await emB().find(PromptChange, { targetUser: repB.user.id });
  const snapshot = async () => ({
    user: await emB().findOneOrFail(User, { id: repB.user.id }),
    changes: await emB().count(PromptChange, {}),
  });
  const before = await snapshot();

  const promptsA = as(stack.app, adminA, '/api/openai-prompts');
  const notFound = [
    await promptsA.get(`/admin/users/${repB.user.id}/prompts`),
    await promptsA.put(`/admin/users/${repB.user.id}/prompts`, {
      openai_individual_prompt_id: promptA,
      openai_complete_prompt_id: null,
    }),
    await promptsA.put(`/admin/users/${adminB.user.id}/prompts`, { openai_complete_prompt_id: SYSTEM_COMPLETE_PROMPT }),
    await promptsA.get(`/admin/users/${repB.user.id}/prompts/history`),
    await promptsA.post('/my-prompts/revert', { historyId: historyB!.id }),
  ];
  for (const res of notFound) {
    t.equal(res.statusCode, 404, res.body);
    t.match(res.json(), { statusCode: 404, error: 'Not Found', message: /not found/ });
  }
  t.notMatch(notFound[0]!.body, new RegExp(promptB), 'nothing of B leaks in the answer');

  const bulk = await promptsA.put('/admin/prompts', {
    userIds: [repB.user.id, adminA.user.id],
    openai_individual_prompt_id: promptA,
  });
  t.equal(bulk.statusCode, 200);
  t.same(bulk.json().results, [
    { userId: repB.user.id, ok: false, error: 'User not found' },
    { userId: adminA.user.id, ok: true },
  ]);

  const after = await snapshot();
  t.equal(after.user.openaiIndividualPromptId, promptB, "B's user kept its prompt");
  t.equal(after.user.openaiCompletePromptId, null);
  t.equal(
    (await emB().findOneOrFail(User, { id: adminB.user.id })).openaiCompletePromptId,
    null,
    "B's admin untouched",
  );
  t.equal(after.changes, before.changes, 'no history row in B');
  t.same(
    (await emA().find(PromptChange, {})).map((c) => c.targetUser.id),
    [adminA.user.id],
    "the only change in A is the admin's own bulk row",
  );

  const users = await as(stack.app, adminA).get('/admin/users');
  t.same(
    users.json().map((u: { id: string }) => u.id),
    [adminA.user.id],
    "B's users are not listed",
  );
});
