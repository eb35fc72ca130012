// The daily prompt-health run on the real Temporal dev server: the model of every prompt version in use is looked
// up at the OpenAI stand-in; a near shutdown or a model that is gone becomes a warning on the version (in
// PostgreSQL and the API); a version no label or setting uses is left alone.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { PromptVersion } from '../../src/domain/prompts/prompt.entity.js';
import { addVersion } from '../../src/domain/prompts/prompt-library.js';
import type { PromptHealthResult } from '../../src/activities/prompt-health.js';
import { promptHealthWorkflow } from '../../src/workflows/prompt-health.js';
import { as } from '../support/api.js';
import { createTenant, setUserPrompts } from '../support/calls.js';
import { startStack } from '../support/harness.js';
import { createTestPrompt, testVersion } from '../support/prompts.js';

t.test('flags versions in use whose model shuts down soon or is gone, in the database and the API', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  // In use through its production label; its model shuts down on 2027-01-14 (the stand-in's default table).
  const nearShutdown = await createTestPrompt(tenant, { model: 'gpt-4o', name: 'Old model' });
  // In use through a user setting pinned to version 2, whose model then disappears from OpenAI.
  const pinned = await createTestPrompt(tenant, { model: 'gpt-6-luna', name: 'Pinned' });
  stack.fake.defineModel('gpt-retiring-soon');
  await addVersion(tenant.em(), {
    promptId: pinned,
    actor: { id: tenant.admin.user.id, email: tenant.admin.user.email, role: 'admin' },
    version: testVersion({ model: 'gpt-retiring-soon' }),
  });
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: `${pinned}@2` });
  stack.fake.removeModel('gpt-retiring-soon');

  const result: PromptHealthResult = await stack.temporal.client.workflow.execute(promptHealthWorkflow, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `prompt-health-test-${randomUUID()}`,
  });
  t.ok(result.checked >= 3, 'the labelled and pinned versions were checked');
  t.ok(result.flagged >= 2, 'two versions flagged');
  t.equal(result.defaultModelWarning, null, 'the built-in model has no announced shutdown');

  const warningsOf = async (promptId: string, version: number) =>
    (await tenant.em().findOneOrFail(PromptVersion, { prompt: promptId, version })).warnings;
  const near = await warningsOf(nearShutdown, 1);
  t.match(near.join('\n'), /gpt-4o shuts down on 2027-01-14/, 'the near shutdown is a warning with its date');
  t.match((await warningsOf(pinned, 2)).join('\n'), /gpt-retiring-soon is not available/, 'a model that is gone');
  t.same(await warningsOf(pinned, 1), [], 'version 1 of the pinned prompt is still production: its model is fine');

  const api = as(stack.app, tenant.admin);
  const version = await api.get(`/prompts/${nearShutdown}/versions/1`);
  t.equal(version.statusCode, 200);
  t.match(version.json().warnings.join('\n'), /2027-01-14/, 'the API shows the warning');
  t.ok(stack.fake.modelRequests.includes('gpt-4o'), 'the model was looked up at OpenAI');
});
