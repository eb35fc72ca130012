// GET /calls, GET /calls/:id, GET /leads, GET /leads/:id, PATCH /leads/:id: the shapes,
// cursor pagination, filters, visibility (a user sees their own, an admin the organization's), cross-org 404.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { startStack } from '../support/harness.js';
import { addUser, as, deliverCall, signup, webhookSecretOf, type Account } from '../support/api.js';
import { callPayload, createTenant } from '../support/calls.js';

const CALL_KEYS = [
  'analysis',
  'analyzedAt',
  'callId',
  'createdAt',
  'error',
  'fallbackReason',
  'id',
  'leadId',
  'model',
  'promptId',
  'promptName',
  'promptSource',
  'promptVersion',
  'source',
  'status',
  'userId',
  'workflowId',
];
const LEAD_KEYS = [
  'assignedToId',
  'callCount',
  'completeAnalysis',
  'completeAnalysisPromptId',
  'completeAnalysisPromptSource',
  'completeAnalysisPromptVersion',
  'email',
  'externalId',
  'id',
  'name',
  'phone',
  'score',
  'status',
  'updatedAt',
];

const stack = await startStack(t, { worker: false });
const org = await createTenant(stack);
const u1 = org.rep;
const u2 = await addUser(stack.app, org.admin);
const otherAdmin = await signup(stack.app);
const otherSecret = await webhookSecretOf(stack.app, otherAdmin);

const get = (account: Account, url: string) => as(stack.app, account).get(url);
const patch = (account: Account, url: string, payload: unknown) => as(stack.app, account).patch(url, payload);
async function deliver(organizationId: string, secret: string, userId: string, callId: string, leadExternalId: string) {
  const res = await deliverCall(stack.app, organizationId, secret, callPayload(userId, { callId, leadExternalId }));
  if (res.statusCode !== 202) throw new Error(res.body);
  return res.json().id as string;
}
/** Follows nextCursor to the end; returns every page's ids. */
async function allPages(account: Account, url: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res = await get(account, `${url}${url.includes('?') ? '&' : '?'}${cursor ? `cursor=${cursor}&` : ''}`);
    if (res.statusCode !== 200) throw new Error(res.body);
    pages.push(res.json().items.map((item: { id: string }) => item.id));
    cursor = res.json().nextCursor;
  } while (cursor);
  return pages;
}

// u1: five calls on lead L1, all within one millisecond (written microseconds apart, in an order unlike their
// ids; stored to the millisecond), so pagination must break ties exactly. u2: two newer calls on L2. Another
// organization: one call.
const u1Calls: string[] = [];
for (let i = 0; i < 5; i++) u1Calls.push(await deliver(org.organizationId, org.secret, u1.user.id, `u1-${i}`, 'L1'));
for (const [i, id] of u1Calls.entries()) {
  await stack.orm.em
    .getConnection()
    .execute(
      `update calls set created_at = '2025-01-01T10:00:00.123Z'::timestamptz + ? * interval '1 microsecond' where id = ?`,
      [[300, 100, 0, 200, 400][i], id],
    );
}
const u2Calls = [
  await deliver(org.organizationId, org.secret, u2.user.id, 'u2-0', 'L2'),
  await deliver(org.organizationId, org.secret, u2.user.id, 'u2-1', 'L2'),
];
const foreignCall = await deliver(otherAdmin.organization.id, otherSecret, otherAdmin.user.id, 'x-0', 'LX');
// The analysis written straight to one call's row: the routes must show it as it is.
const analysisColumns = {
  analysis: { sentiment: 'positive', nested: { score: 7 } },
  promptId: 'prm_repprompt1',
  promptName: 'Rep prompt',
  promptSource: 'organization',
  promptVersion: 3,
  fallbackReason: "the user's prompt prm_gone00001 cannot run: Prompt prm_gone00001 does not exist (or was deleted)",
  model: 'gpt-x',
} as const;
await org
  .em()
  .nativeUpdate(
    Call,
    { id: u1Calls[0] },
    { status: 'analyzed', ...analysisColumns, analyzedAt: new Date('2025-01-01T10:05:00.000Z') },
  );
await org
  .em()
  .nativeUpdate(Call, { id: u1Calls[1] }, { status: 'failed', error: 'The prompt\'s output is not JSON: "nope"' });
// Same millisecond: newest first means id descending.
const u1Order = [...u1Calls].sort().reverse();

t.test('a call as clients see it', async (t) => {
  const analysed = await get(u1, `/calls/${u1Calls[0]}`);
  t.equal(analysed.statusCode, 200, analysed.body);
  const call = analysed.json();
  t.same(
    Object.keys(call).sort(),
    [...CALL_KEYS, 'transcript', 'workflowUrl'].sort(),
    'one call: the list item plus its transcript and run link',
  );
  t.equal(call.workflowUrl, null, 'no TEMPORAL_UI_URL, no link');
  t.type(call.transcript, 'string');
  t.match(call, {
    id: u1Calls[0],
    callId: 'u1-0',
    source: 'callsense',
    userId: u1.user.id,
    status: 'analyzed',
    ...analysisColumns,
    workflowId: `call:${org.organizationId}:u1-0`,
    error: null,
    createdAt: '2025-01-01T10:00:00.123Z',
    analyzedAt: '2025-01-01T10:05:00.000Z',
  });
  const queued = (await get(u1, `/calls/${u1Calls[2]}`)).json();
  t.same(
    [
      queued.status,
      queued.analysis,
      queued.promptId,
      queued.promptName,
      queued.promptSource,
      queued.promptVersion,
      queued.fallbackReason,
      queued.model,
      queued.error,
      queued.analyzedAt,
    ],
    ['queued', null, null, null, null, null, null, null, null, null],
  );
  t.equal((await get(u1, `/calls/${u1Calls[1]}`)).json().error, 'The prompt\'s output is not JSON: "nope"');
});

t.test('calls: pages follow createdAt desc, id desc, each call once', async (t) => {
  t.same(await allPages(u1, '/calls?limit=2'), [u1Order.slice(0, 2), u1Order.slice(2, 4), u1Order.slice(4)]);
  t.same(
    (await allPages(org.admin, '/calls?limit=3')).flat(),
    [u2Calls[1], u2Calls[0], ...u1Order],
    'the admin sees the organization, newest first',
  );
  const first = await get(org.admin, '/calls');
  t.equal(first.json().items.length, 7, 'limit defaults to 20');
  t.equal(first.json().nextCursor, null, 'no cursor after the last page');

  // A call arriving between two pages does not shift the next page.
  const page1 = (await get(u1, '/calls?limit=2')).json();
  const newer = await deliver(org.organizationId, org.secret, u1.user.id, 'u1-late', 'L-late');
  const page2 = (await get(u1, `/calls?limit=2&cursor=${page1.nextCursor}`)).json();
  t.same(
    page2.items.map((c: { id: string }) => c.id),
    u1Order.slice(2, 4),
    'the cursor names a position, not an offset',
  );
  t.equal((await get(u1, '/calls?limit=1')).json().items[0].id, newer);
  await org.em().nativeDelete(Lead, { externalId: 'L-late' }); // and its call, by cascade
});

t.test('calls: filters', async (t) => {
  const ids = async (account: Account, query: string) =>
    (await get(account, `/calls?${query}`)).json().items.map((c: { id: string }) => c.id);
  const l1 = (await get(u1, `/calls/${u1Calls[0]}`)).json().leadId;
  t.same(await ids(org.admin, `leadId=${l1}`), u1Order, 'by lead');
  t.same(await ids(org.admin, 'status=analyzed'), [u1Calls[0]], 'by status');
  t.same(await ids(org.admin, 'status=failed'), [u1Calls[1]]);
  t.same(await ids(u2, `leadId=${l1}`), [], "a user filtering on someone else's lead sees none of its calls");
  t.same(
    await ids(org.admin, `leadId=${l1}&status=queued&limit=2`),
    u1Order.filter((id) => id !== u1Calls[0] && id !== u1Calls[1]).slice(0, 2),
  );
});

t.test('calls: visibility and tenancy', async (t) => {
  t.same((await allPages(u2, '/calls')).flat(), [u2Calls[1], u2Calls[0]], 'a user sees only their own calls');
  t.same((await allPages(otherAdmin, '/calls')).flat(), [foreignCall], 'another organization sees only its own');
  t.equal(
    (await get(org.admin, `/calls/${u1Calls[0]}`)).statusCode,
    200,
    'an admin reads any call of the organization',
  );
  for (const [who, account, id] of [
    ['another user', u2, u1Calls[0]],
    ['another organization', otherAdmin, u1Calls[0]],
    ['an admin, cross-org', org.admin, foreignCall],
  ] as const) {
    const res = await get(account, `/calls/${id}`);
    t.equal(res.statusCode, 404, `${who}: 404`);
    t.match(res.json(), { statusCode: 404, error: 'Not Found', message: 'Call not found' });
  }
  t.equal((await get(u1, '/calls/not-a-uuid')).statusCode, 404, 'a malformed id is simply not found');
  t.equal((await stack.app.inject({ method: 'GET', url: '/api/calls' })).statusCode, 401, 'a token is required');
});

t.test('calls: bad query parameters are 400', async (t) => {
  const notACursor = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
  for (const query of [
    'status=done',
    'leadId=42',
    'limit=0',
    'limit=101',
    'limit=ten',
    'cursor=%%%',
    'cursor=bm9wZQ',
    `cursor=${notACursor}`,
    'sort=asc',
  ]) {
    const res = await get(org.admin, `/calls?${query}`);
    t.equal(res.statusCode, 400, `${query}: ${res.body}`);
    t.match(res.json(), { statusCode: 400, error: 'Bad Request', message: String });
  }
  t.equal((await get(org.admin, '/calls?limit=100')).statusCode, 200, 'limit 100 is allowed');
});

t.test('leads: shape, visibility, pagination, filters', async (t) => {
  const l1 = (await get(u1, '/leads')).json();
  t.equal(l1.items.length, 1, 'a user sees the leads assigned to them');
  t.equal(l1.nextCursor, null);
  const lead = l1.items[0];
  t.same(Object.keys(lead).sort(), LEAD_KEYS);
  t.match(lead, {
    externalId: 'L1',
    name: 'Grace Hopper',
    phone: null,
    email: null,
    status: 'NEW',
    assignedToId: u1.user.id,
    score: null,
    completeAnalysis: null,
    completeAnalysisPromptId: null,
    completeAnalysisPromptSource: null,
    callCount: 5,
  });
  t.ok(!Number.isNaN(Date.parse(lead.updatedAt)));
  t.same(
    (await get(u1, `/leads/${lead.id}`)).json(),
    { ...lead, workflowUrl: null },
    'GET /leads/:id is the same lead (and its run link)',
  );

  const l2 = (await get(u2, '/leads')).json().items;
  t.same(
    l2.map((l: { externalId: string }) => l.externalId),
    ['L2'],
  );
  t.same(
    await allPages(org.admin, '/leads?limit=1'),
    [[l2[0].id], [lead.id]],
    "the admin pages through the organization's leads, newest first",
  );
  t.same((await get(org.admin, '/leads?status=NEW')).json().items.length, 2);
  t.same((await get(org.admin, '/leads?status=WON')).json().items, []);
  t.equal((await get(org.admin, '/leads?status=won')).statusCode, 400, 'statuses are matched exactly');
  t.equal((await get(org.admin, '/leads?cursor=abc')).statusCode, 400);

  for (const [who, account] of [
    ['another user', u2],
    ['another organization', otherAdmin],
  ] as const) {
    const res = await get(account, `/leads/${lead.id}`);
    t.equal(res.statusCode, 404, `${who}: 404`);
    t.match(res.json(), { message: 'Lead not found' });
  }
  t.equal((await get(otherAdmin, '/leads')).json().items.length, 1);
  t.equal((await get(u1, '/leads/nope')).statusCode, 404);
});

t.test('PATCH /leads/:id', async (t) => {
  const lead = (await get(u1, '/leads')).json().items[0];
  const res = await patch(u1, `/leads/${lead.id}`, { status: 'QUALIFIED' });
  t.equal(res.statusCode, 200, res.body);
  t.same(Object.keys(res.json()).sort(), LEAD_KEYS);
  t.match(res.json(), { id: lead.id, status: 'QUALIFIED', callCount: 5 });
  t.ok(Date.parse(res.json().updatedAt) >= Date.parse(lead.updatedAt), 'updatedAt moves on');
  t.equal((await get(org.admin, `/leads/${lead.id}`)).json().status, 'QUALIFIED', 'stored');
  t.same(
    (await get(org.admin, '/leads?status=QUALIFIED')).json().items.map((l: { id: string }) => l.id),
    [lead.id],
  );

  for (const [payload, why] of [
    [{ status: 'BOUGHT' }, 'an unknown status'],
    [{ status: 'won' }, 'a lower-case status'],
    [{}, 'no status'],
    [{ status: 'WON', score: 1 }, 'another field'],
  ] as const) {
    const bad = await patch(u1, `/leads/${lead.id}`, payload);
    t.equal(bad.statusCode, 400, `${why}: ${bad.body}`);
    t.match(bad.json(), { statusCode: 400, error: 'Bad Request', details: Object });
  }
  t.equal((await patch(u2, `/leads/${lead.id}`, { status: 'LOST' })).statusCode, 404, 'another user cannot change it');
  t.equal(
    (await patch(otherAdmin, `/leads/${lead.id}`, { status: 'LOST' })).statusCode,
    404,
    'another organization cannot change it',
  );
  t.equal(
    (await patch(org.admin, `/leads/${lead.id}`, { status: 'WON' })).json().status,
    'WON',
    "the organization's admin can",
  );
  t.equal((await get(u1, `/leads/${lead.id}`)).json().status, 'WON');
});

// MikroORM joins a call's lead to apply the Lead filters too: without `.filters({ visibility: false })` on
// Call.lead, a user's call on a lead assigned to someone else would be hidden from them.
t.test('a user sees their own call on a lead assigned to someone else', async (t) => {
  const id = await deliver(org.organizationId, org.secret, u2.user.id, 'u2-on-l1', 'L1');
  t.equal((await get(u2, `/calls/${id}`)).statusCode, 200);
  t.ok((await get(u2, '/calls')).json().items.some((c: { id: string }) => c.id === id));
  await org.em().nativeDelete(Call, { id });
});
