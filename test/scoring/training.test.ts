// Per-tenant, per-user training on real Temporal + PostgreSQL: isolation, the minimum-data gate,
// champion/challenger, and scores on leads (after training and in the call pipeline).
import t from 'tap';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { LeadScoringModel, type ILeadScoringModel } from '../../src/domain/scoring/lead-scoring-model.entity.js';
import { scoreLeadWithActiveModel } from '../../src/domain/scoring/score-lead.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import type { Stack } from '../support/harness.js';
import { waitForLead } from '../support/calls.js';
import { addUser, as, deliverCall, signup, webhookSecretOf, type Account } from '../support/api.js';
import {
  budgetDecides,
  insertLeads,
  insertOutcomeLeads,
  optimize,
  runOrganization,
  sentimentDecides,
  startScoringStack,
  type Signal,
} from './seed.js';

const MIN_LEADS_PER_CLASS = 5;

const modelsOf = (stack: Stack, organizationId: string, userId: string) =>
  tenantEm(stack.orm.em, organizationId).find(LeadScoringModel, { user: userId }, { orderBy: { version: 'asc' } });

const topFactor = (model: ILeadScoringModel) =>
  Object.entries(model.factors).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))[0]![0];

t.test(
  'two organizations × two users, different outcome patterns → four models, each from exactly its own leads',
  async (t) => {
    const { stack, admin: admin1, rep: a } = await startScoringStack(t, MIN_LEADS_PER_CLASS);
    const admin2 = await signup(stack.app);
    const b = await addUser(stack.app, admin1);
    const [c, d] = [await addUser(stack.app, admin2), await addUser(stack.app, admin2)];
    const signals: [Account, string, Signal][] = [
      [a, 'sentiment', (won, rand) => ({ sentiment: won === rand() < 0.9 ? 'positive' : 'negative' })],
      [b, 'budget', (won, rand) => ({ budget: won === rand() < 0.9 })],
      [c, 'decisionMaker', (won, rand) => ({ decisionMaker: won === rand() < 0.9 })],
      [
        d,
        'interestLevel',
        (won, rand) => ({ interestLevel: won ? 7 + Math.round(rand() * 3) : Math.round(rand() * 3) }),
      ],
    ];
    const openLeads = new Map<string, string[]>();
    for (const [i, [account, , signal]] of signals.entries()) {
      await insertOutcomeLeads(stack.orm, account, 24, 24, i + 1, signal);
      openLeads.set(
        account.user.id,
        await insertLeads(stack.orm, account.organization.id, account.user.id, [
          { status: 'NEW', analysis: { sentiment: 'positive', budget: true, decisionMaker: true, interestLevel: 9 } },
          { status: 'QUALIFIED', analysis: null, calls: [{ durationSeconds: 300 }] },
        ]),
      );
    }
    // Traps: a closed lead of org 2 assigned to org 1's user, and an unassigned one. Neither may reach a model.
    const [trap] = await insertLeads(stack.orm, admin2.organization.id, a.user.id, [
      { status: 'WON', analysis: { sentiment: 'negative' } },
    ]);
    await tenantEm(stack.orm.em, admin1.organization.id).nativeUpdate(
      Lead,
      { id: (await insertLeads(stack.orm, admin1.organization.id, b.user.id, [{ status: 'LOST' }]))[0]! },
      { assignedTo: null },
    );

    const run1 = await runOrganization(stack, admin1);
    const run2 = await runOrganization(stack, admin2);
    t.match(run1, { users: 2, trained: 2, activated: 2, insufficientData: 0, failed: 0 });
    t.match(
      run2,
      { users: 3, trained: 2, activated: 2, insufficientData: 1, failed: 0 },
      'the trap pair (org 2, user of org 1) has too little data',
    );

    const models: ILeadScoringModel[] = [];
    for (const [account, planted] of signals) {
      const [model, ...others] = await modelsOf(stack, account.organization.id, account.user.id);
      t.equal(others.length, 0);
      t.ok(model?.active, 'the first model is active');
      t.equal(model!.version, 1);
      t.equal(topFactor(model!), planted, `the model of ${account.user.email} learnt its own pattern (${planted})`);
      models.push(model!);

      const expected = await tenantEm(stack.orm.em, account.organization.id).find(
        Lead,
        { assignedTo: account.user.id, status: { $in: ['WON', 'LOST'] } },
        { fields: ['id'] },
      );
      const used = [...model!.trainingLeadIds, ...model!.holdoutLeadIds];
      t.same(
        new Set(used),
        new Set(expected.map((l) => l.id)),
        "training ∪ holdout = that user's WON/LOST leads in that organization",
      );
      t.equal(used.length, expected.length, 'training and holdout are disjoint');
      t.equal(model!.trainingDataCount, expected.length, 'trainingDataCount counts every WON/LOST lead used');
      t.equal(model!.holdoutCount, model!.holdoutLeadIds.length);
      t.ok(
        model!.holdoutLeadIds.length >= 6 && model!.holdoutLeadIds.length <= 20,
        `a ~25% holdout (${model!.holdoutLeadIds.length} of 48)`,
      );
      t.ok(model!.auc! > 0.6, `better than chance on the holdout (AUC ${model!.auc})`);
      t.notOk(used.includes(trap!), "the other organization's lead is not used");
    }
    t.equal(new Set(models.map((m) => JSON.stringify(m.factors))).size, 4, 'four different models');

    // Scores appear on the open leads once a model is active; closed leads keep theirs (none here).
    for (const [account] of signals) {
      const em = tenantEm(stack.orm.em, account.organization.id);
      const open = await em.find(Lead, { id: { $in: openLeads.get(account.user.id)! } });
      for (const lead of open) {
        t.ok(Number(lead.score) > 0 && Number(lead.score) < 1, `open lead scored ${lead.score}`);
        t.equal(lead.scoreModelVersion, 1);
      }
      t.equal(
        await em.count(Lead, { assignedTo: account.user.id, status: { $in: ['WON', 'LOST'] }, score: { $ne: null } }),
        0,
        'closed leads are not re-scored',
      );
    }
    const hot = Number(
      (await tenantEm(stack.orm.em, admin1.organization.id).findOneOrFail(Lead, { id: openLeads.get(a.user.id)![0]! }))
        .score,
    );
    t.ok(hot > 0.5, `a positive-sentiment open lead of the sentiment model scores high (${hot})`);
  },
);

t.test(
  'scoring a single lead: active model, kept score when closed, null without a model, and in the call pipeline',
  async (t) => {
    const { stack, admin, rep, org } = await startScoringStack(t, MIN_LEADS_PER_CLASS);
    const other = await addUser(stack.app, admin);
    await insertOutcomeLeads(stack.orm, rep, 10, 10, 5, sentimentDecides);
    const [closed, open] = await insertLeads(stack.orm, org, rep.user.id, [
      { status: 'LOST', score: 0.42 },
      { status: 'CONTACTED', analysis: { sentiment: 'negative' } },
    ]);
    const [withoutModel] = await insertLeads(stack.orm, org, other.user.id, [{ status: 'NEW', score: 0.3 }]);
    const em = () => tenantEm(stack.orm.em, org);

    t.equal(await scoreLeadWithActiveModel(em(), open!), null, 'no model yet → null');
    t.equal((await em().findOneOrFail(Lead, { id: open! })).score, null, 'and the score is left alone');

    const outcome = await optimize(stack, rep);
    t.match(outcome, { status: 'trained', version: 1, activated: true, rescoredLeads: 1 });

    const score = await scoreLeadWithActiveModel(em(), open!);
    t.ok(score !== null && score > 0 && score < 0.5, `a negative lead scores low (${score})`);
    t.match(await em().findOneOrFail(Lead, { id: open! }), { score, scoreModelVersion: 1 });
    t.equal(await scoreLeadWithActiveModel(em(), closed!), 0.42, 'a LOST lead keeps its last score');
    t.match(await em().findOneOrFail(Lead, { id: closed! }), { score: 0.42, scoreModelVersion: null });
    t.equal(await scoreLeadWithActiveModel(em(), withoutModel!), null, "another user's lead: that user has no model");
    t.equal((await em().findOneOrFail(Lead, { id: withoutModel! })).score, 0.3);

    // The pipeline: a call for a new lead of this user is analysed, folded, and the lead scored.
    const res = await deliverCall(stack.app, org, await webhookSecretOf(stack.app, admin), {
      callId: 'prov-scored-1',
      userId: rep.user.id,
      lead: { externalId: 'crm-scored-1' },
      transcript: 'Yes, we love it, great product',
      durationSeconds: 240,
    });
    t.equal(res.statusCode, 202, res.body);
    const scored = await waitForLead(
      { em },
      { externalId: 'crm-scored-1' },
      { ready: (lead) => lead.score != null, what: 'the lead workflow to score the new lead', timeoutMs: 60_000 },
    );
    t.equal(scored.scoreModelVersion, 1);
    t.ok(Number(scored.score) > 0 && Number(scored.score) < 1);
  },
);

t.test('below the minimum per class no model is made, and the run says why', async (t) => {
  const { stack, rep, org } = await startScoringStack(t, MIN_LEADS_PER_CLASS);
  await insertOutcomeLeads(stack.orm, rep, 4, 10, 9, budgetDecides);

  const outcome = await optimize(stack, rep);
  t.match(outcome, { status: 'insufficient-data', won: 4, lost: 10 });
  t.match(outcome.status === 'insufficient-data' && outcome.reason, /at least 5 WON and 5 LOST.*has 4 WON and 10 LOST/);
  t.equal((await modelsOf(stack, org, rep.user.id)).length, 0, 'no model stored');
  t.equal((await as(stack.app, rep).get('/ai/scoring/model')).statusCode, 404);

  await insertLeads(stack.orm, org, rep.user.id, [{ status: 'WON', analysis: { budget: true } }]);
  t.match(
    await optimize(stack, rep),
    { status: 'trained', version: 1, activated: true, won: 5, lost: 10 },
    'one more WON lead reaches the minimum',
  );
});

t.test('champion/challenger: a worse challenger is stored but not activated; a not-worse one is', async (t) => {
  const { stack, rep, org } = await startScoringStack(t, MIN_LEADS_PER_CLASS);
  const em = () => tenantEm(stack.orm.em, org);
  await insertOutcomeLeads(stack.orm, rep, 20, 20, 3, sentimentDecides);
  const [open] = await insertLeads(stack.orm, org, rep.user.id, [
    { status: 'NEW', analysis: { sentiment: 'positive' } },
  ]);

  const first = await optimize(stack, rep);
  t.match(first, { status: 'trained', version: 1, activated: true, champion: null, holdout: { auc: 1 } });
  const v1 = (await modelsOf(stack, org, rep.user.id))[0]!;
  const v1Score = (await em().findOneOrFail(Lead, { id: open! })).score!;

  // The training side now says the opposite; the holdout leads are untouched.
  const flip = async (sentimentOfWon: string, sentimentOfLost: string) => {
    const tx = em();
    for (const lead of await tx.find(Lead, { id: { $in: v1.trainingLeadIds } })) {
      lead.completeAnalysis = {
        ...lead.completeAnalysis,
        sentiment: lead.status === 'WON' ? sentimentOfWon : sentimentOfLost,
      };
    }
    await tx.flush();
  };
  await flip('negative', 'positive');

  const second = await optimize(stack, rep);
  t.match(second, { status: 'trained', version: 2, activated: false, champion: { version: 1, auc: 1 } });
  t.ok(second.status === 'trained' && second.holdout.auc! < 0.5, 'the challenger is worse on the holdout');
  t.match(second.status === 'trained' && second.reason, /Kept v1 active/);
  const [m1, m2] = await modelsOf(stack, org, rep.user.id);
  t.same(m2!.holdoutLeadIds, m1!.holdoutLeadIds, 'judged on the same holdout');
  t.equal(m1!.active, true, 'v1 stays active');
  t.equal(m2!.active, false, 'v2 is stored, inactive');
  t.equal((await em().findOneOrFail(Lead, { id: open! })).score, v1Score, 'scores still come from v1');
  const model = await as(stack.app, rep).get('/ai/scoring/model');
  t.equal(model.json().version, 1);

  // Data back as it was: exactly what v1 learnt from, so nothing new is stored and v1 stays active.
  await flip('positive', 'negative');
  t.match(await optimize(stack, rep), { status: 'unchanged', outcome: 'unchanged', version: 1, activated: false });
  const versions = await modelsOf(stack, org, rep.user.id);
  t.same(
    versions.map((m) => [m.version, m.active]),
    [
      [1, true],
      [2, false],
    ],
    'old versions kept, exactly one active',
  );
  t.equal((await em().findOneOrFail(Lead, { id: open! })).scoreModelVersion, 1);
});
