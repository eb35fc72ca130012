// PATCH/DELETE /admin/users/:userId, GET /admin/audit, and webhook secret rotation with a grace window.
import t from 'tap';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { AuditEvent } from '../../src/domain/audit/index.js';
import { PromptChange } from '../../src/domain/prompts/prompt-change.entity.js';
import { SYSTEM_COMPLETE_PROMPT, SYSTEM_INDIVIDUAL_PROMPT, startStack, waitFor } from '../support/harness.js';
import { addUser, as, deliverCall, signup, webhookSecretOf } from '../support/api.js';
import { callPayload } from '../support/calls.js';

// A reference that needs no prompt of the organization's own (creating one would add audit entries).
const MINE = `${SYSTEM_INDIVIDUAL_PROMPT}@1`;

t.test(
  'users are changed and removed; every change is audited, inside the organization, outliving its actor',
  async (t) => {
    const stack = await startStack(t, { worker: false });
    const { app } = stack;
    const admin = await signup(app);
    const other = await signup(app);
    const deputy = await addUser(app, admin, { role: 'admin' });
    const rep = await addUser(app, admin);
    const api = as(app, admin);
    const deputyApi = as(app, deputy);

    const changed = await api.patch(`/admin/users/${rep.user.id}`, {
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    t.equal(changed.statusCode, 200, changed.body);
    t.match(changed.json(), { id: rep.user.id, firstName: 'Ada', lastName: 'Lovelace', role: 'user' });
    t.equal((await api.patch(`/admin/users/${rep.user.id}`, { role: 'owner' })).statusCode, 400);
    t.equal(
      (await api.patch(`/admin/users/${other.user.id}`, { firstName: 'X' })).statusCode,
      404,
      "another organization's user",
    );
    t.equal((await api.delete(`/admin/users/${other.user.id}`)).statusCode, 404);
    t.equal((await api.delete('/admin/users/not-a-uuid')).statusCode, 404);
    t.equal(
      (await as(app, rep).patch(`/admin/users/${rep.user.id}`, { role: 'admin' })).statusCode,
      403,
      'a user cannot promote themselves',
    );

    // The deputy (an admin) changes prompts and rotates the secret, then is removed: their entries stay.
    t.equal(
      (
        await deputyApi.put(`/openai-prompts/admin/users/${rep.user.id}/prompts`, {
          openai_individual_prompt_id: MINE,
        })
      ).statusCode,
      200,
    );
    const rotated = await deputyApi.post('/admin/webhook-secret/rotate');
    t.equal(rotated.statusCode, 200);
    t.equal((await deputyApi.post('/admin/scoring/run')).statusCode, 202);

    // The rep's call and lead stay when the rep is removed; the lead becomes unassigned.
    const secret = await webhookSecretOf(app, admin);
    const delivered = await deliverCall(app, admin.organization.id, secret, callPayload(rep.user.id));
    t.equal(delivered.statusCode, 202, delivered.body);
    t.equal((await api.delete(`/admin/users/${rep.user.id}`)).statusCode, 204);
    const em = stack.orm.em.fork();
    const storedCall = await em.findOneOrFail(Call, { id: delivered.json().id }, { filters: false });
    t.equal(storedCall.user ?? null, null, 'the call stays, without its user');
    const lead = await em.findOneOrFail(Lead, { id: storedCall.lead }, { filters: false });
    t.equal(lead.assignedTo ?? null, null, 'the lead stays, unassigned');
    const asAdmin = await api.get(`/calls/${storedCall.id}`);
    t.equal(asAdmin.statusCode, 200);
    t.equal(asAdmin.json().userId, null);
    t.equal((await api.get('/admin/users')).json().length, 2);

    // The last admin cannot go; with the deputy gone, the admin is the last one.
    t.equal((await api.delete(`/admin/users/${deputy.user.id}`)).statusCode, 204);
    const last = await api.delete(`/admin/users/${admin.user.id}`);
    t.equal(last.statusCode, 409);
    t.match(last.json(), { statusCode: 409, error: 'Conflict', message: /admin/ });
    t.equal((await api.patch(`/admin/users/${admin.user.id}`, { role: 'user' })).statusCode, 409, 'nor be demoted');

    const audit = await api.get('/admin/audit?limit=100');
    t.equal(audit.statusCode, 200, audit.body);
    const items = audit.json().items as {
      id: string;
      actor: { id: string; email: string } | null;
      action: string;
      target: { type: string; id: string } | null;
      details: Record<string, unknown>;
      at: string;
    }[];
    t.equal(audit.json().nextCursor, null);
    const actions = items.map((i) => i.action);
    t.same(
      actions.slice(0, 6),
      [
        'user.deleted',
        'user.deleted',
        'webhook_secret.shown',
        'scoring.run',
        'webhook_secret.rotated',
        'prompt.changed',
      ],
      'newest first',
    );
    // The signup's two entries share a millisecond: their order between them is the id's.
    t.same([...actions].reverse().slice(0, 2).sort(), ['organization.created', 'user.created']);
    t.same([...actions].reverse().slice(2, 5), ['user.created', 'user.created', 'user.changed']);
    const byDeputy = items.filter((i) => i.actor?.id === deputy.user.id);
    t.same(
      byDeputy.map((i) => i.action),
      ['scoring.run', 'webhook_secret.rotated', 'prompt.changed'],
      "the deleted deputy's entries survive",
    );
    t.ok(
      byDeputy.every((i) => i.actor?.email === deputy.user.email),
      'naming them by the copied email',
    );
    t.match(
      items.find((i) => i.action === 'prompt.changed'),
      {
        target: { type: 'user', id: rep.user.id },
        details: { field: 'openai_individual_prompt_id', oldValue: null, newValue: MINE },
      },
    );
    t.match(
      items.find((i) => i.action === 'user.changed'),
      { details: { changes: { firstName: { from: null, to: 'Ada' } } } },
    );
    t.match(
      items.find((i) => i.action === 'webhook_secret.rotated'),
      { details: { previousSecretValidUntil: rotated.json().previousSecretValidUntil } },
    );
    t.match(items[0], {
      actor: { id: admin.user.id, email: admin.user.email },
      target: { type: 'user', id: deputy.user.id },
      details: { email: deputy.user.email },
    });
    t.ok(items.every((i) => !Number.isNaN(Date.parse(i.at))));

    // Pages, and no other organization's entries.
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.get(`/admin/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      t.equal(res.statusCode, 200);
      pages.push(...res.json().items.map((i: { id: string }) => i.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    t.same(
      pages,
      items.map((i) => i.id),
      'the pages add up to the whole trail',
    );
    const otherTrail = (await as(app, other).get('/admin/audit')).json().items as {
      action: string;
      target: { id: string };
    }[];
    t.same(
      otherTrail.map((i) => i.action).sort(),
      ['organization.created', 'user.created'],
      'the other organization sees only its own',
    );
    t.equal((await api.get('/admin/audit?cursor=nope')).statusCode, 400);
    const repLogin = await as(app, rep).get('/admin/audit');
    t.equal(repLogin.statusCode, 401, "the removed user's token no longer works");

    // The prompt history outlives its actor too.
    const history = await em.find(PromptChange, {}, { filters: false });
    t.equal(history.length, 0, "the rep's own history went with the rep");
    t.equal(await em.count(AuditEvent, { actorId: deputy.user.id }, { filters: false }), 3);
  },
);

t.test('prompt history names an actor who has been removed', async (t) => {
  const stack = await startStack(t, { worker: false });
  const { app } = stack;
  const admin = await signup(app);
  const deputy = await addUser(app, admin, { role: 'admin' });
  const api = as(app, admin);
  const put = await as(app, deputy).put(`/openai-prompts/admin/users/${admin.user.id}/prompts`, {
    openai_complete_prompt_id: `${SYSTEM_COMPLETE_PROMPT}@1`,
  });
  t.equal(put.statusCode, 200, put.body);
  t.equal((await api.delete(`/admin/users/${deputy.user.id}`)).statusCode, 204);
  const history = await api.get('/openai-prompts/my-prompts/history');
  t.equal(history.statusCode, 200, history.body);
  t.match(history.json(), [
    {
      field: 'openai_complete_prompt_id',
      newValue: `${SYSTEM_COMPLETE_PROMPT}@1`,
      changedBy: { id: deputy.user.id, email: deputy.user.email },
    },
  ]);
});

t.test('rotation: the previous secret works inside the grace window, not after', async (t) => {
  const stack = await startStack(t, { worker: false, env: { WEBHOOK_SECRET_GRACE_SECONDS: '2' } });
  const { app } = stack;
  const admin = await signup(app);
  const old = await webhookSecretOf(app, admin);
  const rotatedAt = Date.now();
  const api = as(app, admin);
  const rotated = await api.post('/admin/webhook-secret/rotate');
  t.equal(rotated.statusCode, 200);
  const { webhookSecret, previousSecretValidUntil } = rotated.json();
  t.not(webhookSecret, old);
  const until = Date.parse(previousSecretValidUntil);
  t.ok(until >= rotatedAt + 2000 && until <= Date.now() + 2000, 'the answer says until when');
  t.equal(await webhookSecretOf(app, admin), webhookSecret);

  const deliver = (secret: string) => deliverCall(app, admin.organization.id, secret, callPayload(admin.user.id));
  t.equal((await deliver(old)).statusCode, 202, 'the old secret inside the window');
  t.equal((await deliver(webhookSecret)).statusCode, 202, 'the new secret');
  await waitFor(async () => (await deliver(old)).statusCode === 401, {
    timeoutMs: 10_000,
    intervalMs: 200,
    what: 'the old secret to expire',
  });
  t.ok(Date.now() >= until, 'refused only after the window');
  t.equal((await deliver(webhookSecret)).statusCode, 202, 'the new secret still works');

  // A second rotation: the first secret is gone for good, the second is the new previous one.
  const again = (await api.post('/admin/webhook-secret/rotate')).json();
  t.equal((await deliver(webhookSecret)).statusCode, 202);
  t.equal((await deliver(again.webhookSecret)).statusCode, 202);
  t.equal((await deliver(old)).statusCode, 401);
});
