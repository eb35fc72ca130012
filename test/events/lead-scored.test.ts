// `lead.scored` from the scoring of a lead after its analysis (the score, its band, the model, and the five
// largest contributions, sent once) and from a retrain that re-scores the open leads.
import t from 'tap';
import { startStack, waitFor } from '../support/harness.js';
import { addUser, deliverCall, signup, webhookSecretOf } from '../support/api.js';
import { callPayload } from '../support/calls.js';
import { insertLeads, insertOutcomeLeads, optimize, sentimentDecides } from '../scoring/seed.js';
import { startReceiver } from './receiver.js';
import { addEndpoint } from './support.js';

t.test('a scored lead is sent as lead.scored', async (t) => {
  const stack = await startStack(t, {
    env: { EVENTS_ALLOW_PRIVATE_URLS: 'true', SCORING_MIN_LEADS_PER_CLASS: '5' },
  });
  const admin = await signup(stack.app);
  const rep = await addUser(stack.app, admin);
  await insertOutcomeLeads(stack.orm, rep, 8, 8, 7, sentimentDecides);
  const trained = await optimize(stack, rep);
  t.ok(trained.activated, 'the rep has an active model');

  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  await addEndpoint(stack.app, admin, receiver.url, ['lead.scored']);
  const secret = await webhookSecretOf(stack.app, admin);
  const payload = callPayload(rep.user.id);
  t.equal((await deliverCall(stack.app, admin.organization.id, secret, payload)).statusCode, 202);

  await waitFor(() => receiver.ofType('lead.scored').length >= 1, { what: 'lead.scored', timeoutMs: 60_000 });
  const event = receiver.ofType('lead.scored')[0]!;
  t.match(event.body.data, {
    leadId: String,
    externalId: payload.lead.externalId,
    score: Number,
    band: /^[ABCD]$/,
    previousScore: null,
    modelVersion: trained.version,
    scope: 'user',
    topContributions: Array,
    organizationId: admin.organization.id,
  });
  const top = event.body.data.topContributions as { feature: string; contribution: number }[];
  t.ok(top.length > 0 && top.length <= 5, 'at most five contributions');
  const sizes = top.map((c) => Math.abs(c.contribution));
  t.same(
    sizes,
    [...sizes].sort((a, b) => b - a),
    'largest first',
  );
  t.same(Object.keys(top[0]!).sort(), ['contribution', 'feature']);
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(receiver.ofType('lead.scored').length, 1, 'sent once');
  t.equal(receiver.received.length, 1, 'and only the subscribed type');
});

t.test('a retrain that re-scores open leads sends lead.scored for each of them', async (t) => {
  const stack = await startStack(t, {
    env: { EVENTS_ALLOW_PRIVATE_URLS: 'true', SCORING_MIN_LEADS_PER_CLASS: '5' },
  });
  const admin = await signup(stack.app);
  const rep = await addUser(stack.app, admin);
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  await addEndpoint(stack.app, admin, receiver.url, ['lead.scored']);
  await insertOutcomeLeads(stack.orm, rep, 8, 8, 7, sentimentDecides);
  const open = await insertLeads(stack.orm, admin.organization.id, rep.user.id, [
    { status: 'NEW', analysis: { sentiment: 'positive' } },
    { status: 'QUALIFIED', analysis: { sentiment: 'negative' } },
  ]);
  const trained = await optimize(stack, rep);
  t.ok(trained.activated, 'the model activates and re-scores the open leads');

  await waitFor(() => receiver.ofType('lead.scored').length >= 2, { what: 'two lead.scored', timeoutMs: 60_000 });
  const events = receiver.ofType('lead.scored').map((event) => event.body.data);
  t.same(events.map((data) => data.leadId).sort(), [...open].sort(), 'one event per re-scored open lead');
  for (const data of events) {
    t.match(data, { previousScore: null, modelVersion: trained.version, scope: 'user', band: /^[ABCD]$/ });
  }
});
