// Scoring a person can trust, on real Temporal + PostgreSQL: the status and its reasons, optimize?wait=true,
// no new version for unchanged data, trainingDataCount, explained scores and bands, versions and activation.
import t from 'tap';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { LeadScoringModel } from '../../src/domain/scoring/lead-scoring-model.entity.js';
import { LeadScoreHistory } from '../../src/domain/scoring/lead-score-history.entity.js';
import { ScoringRun } from '../../src/domain/scoring/scoring-run.entity.js';
import { bandOf } from '../../src/domain/scoring/calibration.js';
import { HISTORY_PER_LEAD, recordScoreChanges } from '../../src/domain/scoring/score-history.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { startStack, type Stack } from '../support/harness.js';
import { addUser, as, signup, type Account } from '../support/api.js';
import { budgetDecides, insertLeads, insertOutcomeLeads, startScoringStack } from './seed.js';

async function optimizeAndWait(stack: Stack, account: Account) {
  const res = await as(stack.app, account).post('/ai/scoring/optimize?wait=true');
  if (res.statusCode !== 200) throw new Error(`optimize?wait=true: ${res.statusCode} ${res.body}`);
  return res.json();
}

const logit = (p: number) => Math.log(p / (1 - p));

t.test(
  '12 WON / 3 LOST: status insufficient-data with the counts and the requirement; optimize?wait=true says the same',
  async (t) => {
    const { stack, admin, rep, org } = await startScoringStack(t, 20);
    const repApi = as(stack.app, rep);
    await insertOutcomeLeads(stack.orm, rep, 12, 3, 41, budgetDecides);

    const before = await repApi.get('/ai/scoring/status');
    t.equal(before.statusCode, 200, before.body);
    t.same(before.json(), {
      state: 'insufficient-data',
      won: 12,
      lost: 3,
      requiredPerClass: 20,
      activeVersion: null,
      scope: null,
      lastRun: null,
      nextRunAt: null, // the test stack runs no schedule
    });

    const result = await optimizeAndWait(stack, rep);
    const reason = 'Needs at least 20 WON and 20 LOST leads; has 12 WON and 3 LOST';
    t.same(result, {
      outcome: 'insufficient-data',
      reason,
      version: null,
      activated: false,
      accuracy: null,
      auc: null,
      trainingDataCount: null,
      won: 12,
      lost: 3,
    });

    const after = (await repApi.get('/ai/scoring/status')).json();
    t.match(after, {
      state: 'insufficient-data',
      won: 12,
      lost: 3,
      requiredPerClass: 20,
      lastRun: { outcome: 'insufficient-data', reason },
    });
    t.ok(Math.abs(Date.parse(after.lastRun.at) - Date.now()) < 120_000, 'lastRun.at is the run');
    const runs = await tenantEm(stack.orm.em, org).find(ScoringRun, { user: rep.user.id });
    t.same(
      runs.map((r) => [r.scope, r.outcome, r.reason, r.won, r.lost]),
      [['user', 'insufficient-data', reason, 12, 3]],
      'the outcome is a row in PostgreSQL',
    );

    const model = await repApi.get('/ai/scoring/model');
    t.equal(model.statusCode, 404);
    t.match(model.json(), { statusCode: 404, error: 'Not Found' });
    t.match(model.json().message, reason, 'the 404 says why');

    const adminView = await as(stack.app, admin).get(`/admin/users/${rep.user.id}/scoring/status`);
    t.match(adminView.json(), { state: 'insufficient-data', won: 12, lost: 3 }, 'the admin sees the same status');
    t.equal((await repApi.get(`/admin/users/${rep.user.id}/scoring/status`)).statusCode, 403);
    const stranger = await signup(stack.app);
    t.equal(
      (await as(stack.app, stranger).get(`/admin/users/${rep.user.id}/scoring/status`)).statusCode,
      404,
      "another organization's admin",
    );

    const me = (await repApi.get('/auth/me')).json();
    t.same(
      [me.openai_individual_prompt_id, me.openai_complete_prompt_id],
      [null, null],
      'the user object carries the prompt ids',
    );
  },
);

t.test(
  'versions: unchanged data makes no version; trainingDataCount; explanations; activating another version re-scores',
  async (t) => {
    const { stack, admin, rep, org } = await startScoringStack(t, 5);
    const repApi = as(stack.app, rep);
    const em = () => tenantEm(stack.orm.em, org);
    await insertOutcomeLeads(stack.orm, rep, 20, 20, 3, (won, rand) => ({
      sentiment: won === rand() < 0.85 ? 'positive' : 'negative',
      interestLevel: won ? 5 + Math.round(rand() * 5) : Math.round(rand() * 6),
    }));
    const open = await insertLeads(stack.orm, org, rep.user.id, [
      {
        status: 'NEW',
        analysis: { sentiment: 'positive', interestLevel: 10, budget: true, nextSteps: ['demo'] },
        calls: [{ durationSeconds: 600 }],
      },
      { status: 'CONTACTED', analysis: { sentiment: 'negative', interestLevel: 1, objections: ['price', 'timing'] } },
      { status: 'QUALIFIED', analysis: { sentiment: 'neutral', interestLevel: 5 } },
      { status: 'NEW', analysis: null },
      {
        status: 'CONTACTED',
        analysis: { sentiment: 'slightly positive', interestLevel: '7/10', timeline: 'this month' },
      },
    ]);

    // Twice on the same data: one version, the second run "unchanged".
    const first = await optimizeAndWait(stack, rep);
    t.match(first, {
      outcome: 'activated',
      version: 1,
      activated: true,
      trainingDataCount: 40,
      won: 20,
      lost: 20,
      auc: Number,
      accuracy: Number,
    });
    const second = await optimizeAndWait(stack, rep);
    t.match(second, { outcome: 'unchanged', version: 1, activated: false, trainingDataCount: 40, won: 20, lost: 20 });
    t.match(second.reason, /same 40 WON\/LOST leads/);
    t.equal(await em().count(LeadScoringModel, { user: rep.user.id }), 1, 'one version stored');
    t.match((await repApi.get('/ai/scoring/status')).json(), {
      state: 'trained',
      activeVersion: 1,
      scope: 'user',
      lastRun: { outcome: 'unchanged' },
    });

    // trainingDataCount is every WON/LOST lead of the user; the holdout is part of it.
    const v1 = await em().findOneOrFail(LeadScoringModel, { user: rep.user.id, version: 1 });
    t.equal(
      v1.trainingDataCount,
      await em().count(Lead, { assignedTo: rep.user.id, status: { $in: ['WON', 'LOST'] } }),
    );
    t.equal(v1.holdoutCount, v1.holdoutLeadIds.length);
    t.equal(v1.trainingLeadIds.length + v1.holdoutLeadIds.length, v1.trainingDataCount);
    const model = (await repApi.get('/ai/scoring/model')).json();
    t.match(model, { version: 1, scope: 'user', trainingDataCount: 40, holdoutCount: v1.holdoutCount });
    // Calibration on the holdout, stored with the version.
    t.ok(model.brierScore >= 0 && model.brierScore <= 1, `Brier ${model.brierScore}`);
    t.ok(model.logLoss > 0, `log-loss ${model.logLoss}`);
    const bands = Object.values(model.bandWinRates as Record<string, { leads: number; won: number }>);
    t.equal(
      bands.reduce((n, b) => n + b.leads, 0),
      v1.holdoutCount,
      'every holdout lead falls in one band',
    );

    // Every open lead's score is explained exactly, and its band follows the thresholds.
    const explain = async () => {
      const seen: Record<string, { score: number; modelVersion: number }> = {};
      for (const id of open) {
        const res = await repApi.get(`/leads/${id}/score`);
        t.equal(res.statusCode, 200, res.body);
        const body = res.json();
        const sum =
          body.intercept + body.contributions.reduce((s: number, c: { contribution: number }) => s + c.contribution, 0);
        t.ok(
          Math.abs(sum - logit(body.score)) < 1e-9,
          `intercept + Σ contributions = logit(score) (${sum} vs ${logit(body.score)})`,
        );
        t.equal(body.band, body.score >= 0.75 ? 'A' : body.score >= 0.5 ? 'B' : body.score >= 0.25 ? 'C' : 'D');
        const sizes = body.contributions.map((c: { contribution: number }) => Math.abs(c.contribution));
        t.same(
          sizes,
          [...sizes].sort((a, b) => b - a),
          'sorted by absolute size',
        );
        t.equal(body.contributions.length, 11, 'every feature');
        t.equal(body.score, Number((await em().findOneOrFail(Lead, { id })).score), 'the stored score');
        seen[id] = body;
      }
      return seen;
    };
    const byV1 = await explain();
    t.equal(byV1[open[0]!]!.modelVersion, 1);
    t.ok(byV1[open[0]!]!.score > byV1[open[1]!]!.score, 'the positive lead scores above the negative one');

    // A challenger trained on contradicting data is stored but kept inactive…
    const tx = em();
    for (const lead of await tx.find(Lead, { id: { $in: v1.trainingLeadIds } })) {
      lead.completeAnalysis = {
        ...lead.completeAnalysis,
        sentiment: lead.status === 'WON' ? 'negative' : 'positive',
        interestLevel: lead.status === 'WON' ? 1 : 9,
      };
    }
    await tx.flush();
    t.match(await optimizeAndWait(stack, rep), { outcome: 'kept-active', version: 2, activated: false });

    // …pinned by hand: open leads are scored by v2, with the cause "activation".
    const pinned = await repApi.post('/ai/scoring/models/2/activate');
    t.equal(pinned.statusCode, 200, pinned.body);
    t.match(pinned.json(), { version: 2, active: true, activationReason: /by hand/ });
    const byV2 = await explain();
    for (const id of open) t.equal(byV2[id]!.modelVersion, 2);
    t.not(byV2[open[0]!]!.score, byV1[open[0]!]!.score, 'v2 scores differently');

    // Rolling back to the older version (the admin's route this time) re-scores them with v1 again.
    const back = await as(stack.app, admin).post(`/admin/users/${rep.user.id}/scoring/models/1/activate`);
    t.equal(back.statusCode, 200, back.body);
    t.match(back.json(), { version: 1, active: true, activationReason: /rolled back from v2/ });
    const again = await explain();
    for (const id of open) {
      t.equal(again[id]!.modelVersion, 1);
      t.ok(Math.abs(again[id]!.score - byV1[id]!.score) < 1e-12, 'the v1 score again');
    }
    const list = (await repApi.get('/ai/scoring/models')).json();
    t.same(
      list.map((m: { version: number; active: boolean }) => [m.version, m.active]),
      [
        [2, false],
        [1, true],
      ],
      'newest first, one active',
    );
    t.match(list[1], {
      trainingDataCount: 40,
      holdoutCount: v1.holdoutCount,
      accuracy: Number,
      auc: Number,
      trainedAt: String,
    });
    t.equal((await repApi.post('/ai/scoring/models/9/activate')).statusCode, 404, 'an unknown version');
    const stranger = await signup(stack.app);
    t.equal(
      (await as(stack.app, stranger).post(`/admin/users/${rep.user.id}/scoring/models/2/activate`)).statusCode,
      404,
    );

    // History: newest first, with the causes.
    const history = (await repApi.get(`/leads/${open[0]}/score/history`)).json();
    t.same(
      history.map((h: { cause: string; modelVersion: number }) => [h.cause, h.modelVersion]),
      [
        ['activation', 1],
        ['activation', 2],
        ['retrain', 1],
      ],
    );
    t.match(history[0], { score: again[open[0]!]!.score, scope: 'user', at: String });
    const other = await addUser(stack.app, admin);
    t.equal(
      (await as(stack.app, other).get(`/leads/${open[0]}/score`)).statusCode,
      404,
      'another user cannot see the lead',
    );

    // No score: 404 with a reason.
    const [unscored] = await insertLeads(stack.orm, org, other.user.id, [{ status: 'NEW' }]);
    const none = await as(stack.app, other).get(`/leads/${unscored}/score`);
    t.equal(none.statusCode, 404);
    t.match(none.json().message, /no scoring model applies/);
  },
);

t.test('bands and the bounded history', async (t) => {
  t.same([0.9, 0.75, 0.7499, 0.5, 0.4999, 0.25, 0.2499, 0].map(bandOf), ['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D']);
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const [lead] = await insertLeads(stack.orm, admin.organization.id, admin.user.id, [{ status: 'NEW' }]);
  const em = tenantEm(stack.orm.em, admin.organization.id);
  const change = (i: number) => ({
    organizationId: admin.organization.id,
    leadId: lead!,
    score: i / 1000,
    modelVersion: i,
    scope: 'user' as const,
    cause: 'retrain' as const,
    at: new Date(Date.UTC(2026, 0, 1) + i * 1000),
  });
  for (let i = 1; i <= HISTORY_PER_LEAD + 5; i++) await recordScoreChanges(em, [change(i)]);
  const kept = await em.find(LeadScoreHistory, { lead: lead! }, { orderBy: { modelVersion: 'asc' } });
  t.equal(kept.length, HISTORY_PER_LEAD, `the last ${HISTORY_PER_LEAD} per lead are kept`);
  t.equal(kept[0]!.modelVersion, 6, 'the oldest go first');
});
