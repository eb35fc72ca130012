// GET /ai/scoring/model, POST /ai/scoring/optimize, POST /admin/scoring/run on real services.
import t from 'tap';
import { FEATURE_NAMES } from '../../src/domain/scoring/features.js';
import { runDateOf } from '../../src/temporal/ids.js';
import { addUser, as, signup } from '../support/api.js';
import { budgetDecides, insertOutcomeLeads, sentimentDecides, startScoringStack } from './seed.js';

t.test('scoring routes', async (t) => {
  const { stack, admin, rep, org } = await startScoringStack(t, 3);
  const colleague = await addUser(stack.app, admin);
  const otherAdmin = await signup(stack.app);
  const today = runDateOf(new Date());
  const repApi = as(stack.app, rep);
  await insertOutcomeLeads(stack.orm, rep, 6, 6, 21, sentimentDecides);
  await insertOutcomeLeads(stack.orm, colleague, 4, 4, 22, budgetDecides);

  t.equal(
    (await stack.app.inject({ method: 'GET', url: '/api/ai/scoring/model' })).statusCode,
    401,
    'a token is required',
  );
  t.equal((await stack.app.inject({ method: 'POST', url: '/api/ai/scoring/optimize' })).statusCode, 401);
  const before = await repApi.get('/ai/scoring/model');
  t.equal(before.statusCode, 404, 'no model before the first training');
  t.match(before.json(), { statusCode: 404, error: 'Not Found', message: String });

  const started = await repApi.post('/ai/scoring/optimize');
  t.equal(started.statusCode, 202, started.body);
  const { workflowId } = started.json();
  t.equal(workflowId, `scoring:${org}:${rep.user.id}:${today}`, 'the documented id');
  const again = await repApi.post('/ai/scoring/optimize');
  t.equal(again.json().workflowId, workflowId, 'a second click gets the same workflow id');
  const handle = stack.temporal.client.workflow.getHandle(workflowId);
  t.match(await handle.result(), { status: 'trained', activated: true });
  const description = await handle.describe();
  t.equal(description.typedSearchAttributes.get({ name: 'OrganizationId', type: 'KEYWORD' } as never), org);
  t.equal(description.typedSearchAttributes.get({ name: 'UserId', type: 'KEYWORD' } as never), rep.user.id);

  const model = await repApi.get('/ai/scoring/model');
  t.equal(model.statusCode, 200, model.body);
  const body = model.json();
  t.match(body, { version: Number, accuracy: Number, auc: Number, trainingDataCount: Number, lastTrainedAt: String });
  t.ok(body.version >= 1);
  t.same(Object.keys(body.factors).sort(), [...FEATURE_NAMES].sort(), 'one named weight per feature');
  t.ok(body.factors.sentiment > 0, 'positive sentiment raises the score for this user');
  t.equal(body.trainingDataCount, 12, 'every WON/LOST lead the version was built from, holdout included');
  t.ok(body.holdoutCount > 0 && body.holdoutCount < 12, 'part of them held out');
  t.ok(Math.abs(Date.parse(body.lastTrainedAt) - Date.now()) < 120_000);
  t.match(body, { scope: 'user' });
  for (const key of [
    'accuracy',
    'auc',
    'factors',
    'holdoutCount',
    'lastTrainedAt',
    'scope',
    'trainingDataCount',
    'version',
  ])
    t.ok(key in body, key);

  t.equal((await as(stack.app, colleague).get('/ai/scoring/model')).statusCode, 404, "the model is the caller's own");
  t.equal(
    (await as(stack.app, admin).get('/ai/scoring/model')).statusCode,
    404,
    "an admin sees their own model, not a user's",
  );
  t.equal((await as(stack.app, otherAdmin).get('/ai/scoring/model')).statusCode, 404, "nor another organization's");

  const forbidden = await repApi.post('/admin/scoring/run');
  t.equal(forbidden.statusCode, 403, 'a user cannot run the organization');
  t.match(forbidden.json(), { statusCode: 403, error: 'Forbidden' });
  const run = await as(stack.app, admin).post('/admin/scoring/run');
  t.equal(run.statusCode, 202, run.body);
  t.equal(run.json().workflowId, `scoring-run:${org}:${today}`);
  const runHandle = stack.temporal.client.workflow.getHandle(run.json().workflowId);
  t.match(
    await runHandle.result(),
    { users: 2, trained: 1, unchanged: 1, failed: 0, organizations: 1 },
    "both users of this organization, no one else (the rep's data has not changed since their click)",
  );
  t.equal(
    (await runHandle.describe()).typedSearchAttributes.get({ name: 'OrganizationId', type: 'KEYWORD' } as never),
    org,
  );
  t.equal((await as(stack.app, colleague).get('/ai/scoring/model')).statusCode, 200, 'the colleague has a model now');
  t.equal(
    (await as(stack.app, otherAdmin).get('/ai/scoring/model')).statusCode,
    404,
    'the other organization was not run',
  );
});
