// GET|PUT /ai/preferences.
import t from 'tap';
import { UserAIPreferences } from '../../src/domain/preferences/user-ai-preferences.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { startStack } from '../support/harness.js';
import { addUser, as, signup } from '../support/api.js';

// What GET /ai/preferences answers before the user saves anything, written out here rather than imported from the
// domain module so that a changed default fails this test instead of passing with it.
const DEFAULTS = {
  chatbotTone: 'professional',
  autoSuggestActions: true,
  enableProactive: true,
  preferredContactTime: null,
  aiInsightsFrequency: 'daily',
  customInstructions: null,
};

t.test('preferences: defaults, partial updates, validation', async (t) => {
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const rep = await addUser(stack.app, admin);
  const api = as(stack.app, rep);
  const get = () => api.get('/ai/preferences');
  const put = (payload: object) => api.put('/ai/preferences', payload);
  const rows = () => tenantEm(stack.orm.em, admin.organization.id).find(UserAIPreferences, {});

  const initial = await get();
  t.equal(initial.statusCode, 200);
  t.same(initial.json(), DEFAULTS);
  t.same(await rows(), [], 'reading the defaults creates no row');

  const first = await put({ chatbotTone: 'friendly', preferredContactTime: 'mornings' });
  t.equal(first.statusCode, 200, first.body);
  t.same(first.json(), { ...DEFAULTS, chatbotTone: 'friendly', preferredContactTime: 'mornings' });

  const second = await put({
    aiInsightsFrequency: 'weekly',
    autoSuggestActions: false,
    customInstructions: 'Be brief.',
  });
  t.equal(second.statusCode, 200);
  const expected = {
    ...DEFAULTS,
    chatbotTone: 'friendly',
    preferredContactTime: 'mornings',
    aiInsightsFrequency: 'weekly',
    autoSuggestActions: false,
    customInstructions: 'Be brief.',
  };
  t.same(second.json(), expected, 'a partial update keeps the fields it does not name');
  t.same((await get()).json(), expected);

  const stored = await rows();
  t.equal(stored.length, 1, 'one row per user');
  t.match(stored[0], {
    user: rep.user.id,
    organization: admin.organization.id,
    chatbotTone: 'friendly',
    aiInsightsFrequency: 'weekly',
    customInstructions: 'Be brief.',
  });

  const cleared = await put({ preferredContactTime: null, customInstructions: null });
  t.equal(cleared.statusCode, 200);
  t.same(
    cleared.json(),
    { ...expected, preferredContactTime: null, customInstructions: null },
    'null clears (and is not turned into "")',
  );

  t.same((await as(stack.app, admin).get('/ai/preferences')).json(), DEFAULTS, 'another user still has the defaults');

  const max = await put({ customInstructions: 'x'.repeat(4000) });
  t.equal(max.statusCode, 200);
  const tooLong = await put({ customInstructions: 'x'.repeat(4001) });
  t.equal(tooLong.statusCode, 400);
  t.match(tooLong.json(), { statusCode: 400, error: 'Bad Request', details: { 'body.customInstructions': /4000/ } });
  const badEnum = await put({ aiInsightsFrequency: 'hourly' });
  t.equal(badEnum.statusCode, 400);
  t.ok(badEnum.json().details['body.aiInsightsFrequency']);
  const unknown = await put({ theme: 'dark' });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().details, { 'body.theme': 'is not an accepted field' });
  const emptyTone = await put({ chatbotTone: '' });
  t.equal(emptyTone.statusCode, 400);
  t.equal((await get()).json().customInstructions, 'x'.repeat(4000), 'refused updates changed nothing');

  t.equal((await stack.app.inject({ method: 'GET', url: '/api/ai/preferences' })).statusCode, 401);
  t.equal((await stack.app.inject({ method: 'PUT', url: '/api/ai/preferences', payload: {} })).statusCode, 401);
});

t.test('two first saves at once both succeed', async (t) => {
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const api = as(stack.app, admin);
  const put = (payload: object) => api.put('/ai/preferences', payload);
  const [a, b] = await Promise.all([put({ chatbotTone: 'warm' }), put({ enableProactive: false })]);
  t.equal(a.statusCode, 200, a.body);
  t.equal(b.statusCode, 200, b.body);
  const final = (await api.get('/ai/preferences')).json();
  t.same(final, { ...DEFAULTS, chatbotTone: 'warm', enableProactive: false }, 'both partial updates landed on one row');
});
