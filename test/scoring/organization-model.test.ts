// The organization's pooled model on real Temporal + PostgreSQL: it scores a user without a model of their
// own (scope "organization") until theirs activates, it learns from every WON/LOST lead of its organization
// and from nothing outside it, and the weekly run trains it next to the users' models.
import t from 'tap';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { LeadScoringModel } from '../../src/domain/scoring/lead-scoring-model.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { organizationScoringWorkflowId } from '../../src/temporal/ids.js';
import type { Stack } from '../support/harness.js';
import { addUser, as, signup } from '../support/api.js';
import { insertLeads, insertOutcomeLeads, runOrganization, sentimentDecides, startScoringStack } from './seed.js';

const closedLeadIds = async (stack: Stack, organizationId: string) =>
  (
    await tenantEm(stack.orm.em, organizationId).find(Lead, { status: { $in: ['WON', 'LOST'] } }, { fields: ['id'] })
  ).map((l) => l.id);

t.test(
  "a user without a model is scored by the organization's pooled model, then by their own; organizations stay apart",
  async (t) => {
    const { stack, admin: admin1, rep: veteran, org: org1 } = await startScoringStack(t, 5);
    const admin2 = await signup(stack.app);
    const newcomer = await addUser(stack.app, admin1);
    const newcomerApi = as(stack.app, newcomer);
    const org2 = admin2.organization.id;
    await insertOutcomeLeads(stack.orm, veteran, 12, 12, 51, sentimentDecides);
    await insertOutcomeLeads(stack.orm, newcomer, 2, 1, 52, sentimentDecides);
    const newcomerOpen = await insertLeads(stack.orm, org1, newcomer.user.id, [
      { status: 'NEW', analysis: { sentiment: 'positive' } },
      { status: 'CONTACTED', analysis: { sentiment: 'negative' } },
    ]);
    const [veteranOpen] = await insertLeads(stack.orm, org1, veteran.user.id, [
      { status: 'NEW', analysis: { sentiment: 'positive' } },
    ]);
    // Another organization with plenty of data that says the opposite; and a lead of org 2 assigned to org 1's
    // newcomer.
    const rival = await addUser(stack.app, admin2);
    await insertOutcomeLeads(stack.orm, rival, 15, 15, 53, (won) => ({ sentiment: won ? 'negative' : 'positive' }));
    const [trap] = await insertLeads(stack.orm, org2, newcomer.user.id, [
      { status: 'WON', analysis: { sentiment: 'negative' } },
    ]);

    const before = await newcomerApi.get('/ai/scoring/model');
    t.equal(before.statusCode, 404);
    t.match(before.json().message, /has 2 WON and 1 LOST.*organization has enough data/);

    const run = await runOrganization(stack, admin1);
    t.match(run, {
      organizations: 1,
      organizationsActivated: 1,
      organizationsFailed: 0,
      users: 2,
      trained: 1,
      insufficientData: 1,
      failed: 0,
    });
    const orgChild = await stack.temporal.client.workflow
      .getHandle(organizationScoringWorkflowId(org1, run.runDate))
      .describe();
    t.equal(orgChild.type, 'organizationScoringWorkflow', 'the documented id');
    t.equal(orgChild.typedSearchAttributes.get({ name: 'OrganizationId', type: 'KEYWORD' } as never), org1);

    // The pooled model learnt from exactly its organization's WON/LOST leads: both users', nothing of org 2.
    const pooled = await tenantEm(stack.orm.em, org1).findOneOrFail(LeadScoringModel, { user: null, active: true });
    const used = [...pooled.trainingLeadIds, ...pooled.holdoutLeadIds];
    t.same(
      new Set(used),
      new Set(await closedLeadIds(stack, org1)),
      "training ∪ holdout = the organization's WON/LOST leads",
    );
    t.equal(pooled.trainingDataCount, 27);
    t.notOk(used.includes(trap!), "org 2's lead is not used, even though it is assigned to an org 1 user");
    t.ok(pooled.factors.sentiment! > 0, "it learnt org 1's lesson, not org 2's");

    // The newcomer's open leads carry organization-scope scores; the veteran's their own.
    for (const id of newcomerOpen) {
      const score = (await newcomerApi.get(`/leads/${id}/score`)).json();
      t.match(score, { scope: 'organization', modelVersion: pooled.version });
    }
    t.match((await as(stack.app, veteran).get(`/leads/${veteranOpen}/score`)).json(), {
      scope: 'user',
      modelVersion: 1,
    });
    t.match((await newcomerApi.get('/ai/scoring/model')).json(), {
      scope: 'organization',
      version: pooled.version,
      trainingDataCount: 27,
    });
    t.match((await newcomerApi.get('/ai/scoring/status')).json(), {
      state: 'insufficient-data',
      won: 2,
      lost: 1,
      activeVersion: pooled.version,
      scope: 'organization',
    });
    t.same(
      (await newcomerApi.get('/ai/scoring/models')).json(),
      [],
      "the pooled model is not one of the newcomer's versions",
    );

    // Org 2's own run: its pooled model sees org 2's leads only (the trap included, it is org 2's).
    await runOrganization(stack, admin2);
    const pooled2 = await tenantEm(stack.orm.em, org2).findOneOrFail(LeadScoringModel, { user: null, active: true });
    t.same(new Set([...pooled2.trainingLeadIds, ...pooled2.holdoutLeadIds]), new Set(await closedLeadIds(stack, org2)));
    t.ok(pooled2.factors.sentiment! < 0, 'org 2 learnt the opposite');
    t.equal(
      await stack.orm.em.fork().count(LeadScoringModel, { scope: 'organization' }, { filters: false }),
      2,
      'one pooled model per organization',
    );

    // Enough data of their own: the newcomer's model activates and their leads switch to it at once.
    await insertOutcomeLeads(stack.orm, newcomer, 4, 5, 54, sentimentDecides);
    const own = await newcomerApi.post('/ai/scoring/optimize?wait=true');
    t.match(own.json(), { outcome: 'activated', version: 1, won: 6, lost: 6, trainingDataCount: 12 });
    for (const id of newcomerOpen) {
      t.match((await newcomerApi.get(`/leads/${id}/score`)).json(), {
        scope: 'user',
        modelVersion: 1,
      });
      const history = (await newcomerApi.get(`/leads/${id}/score/history`)).json();
      t.same(
        history.map((h: { scope: string; cause: string }) => [h.scope, h.cause]),
        [
          ['user', 'retrain'],
          ['organization', 'retrain'],
        ],
      );
    }
    const ownModel = await tenantEm(stack.orm.em, org1).findOneOrFail(LeadScoringModel, {
      user: newcomer.user.id,
      active: true,
    });
    t.notOk(
      [...ownModel.trainingLeadIds, ...ownModel.holdoutLeadIds].includes(trap!),
      "the newcomer's own model ignores org 2's lead too",
    );

    // The next organization run keeps them on their own model.
    await tenantEm(stack.orm.em, org1).nativeUpdate(
      Lead,
      { id: newcomerOpen[0]! },
      { completeAnalysis: { sentiment: 'neutral' } },
    );
    const rerun = await runOrganization(stack, admin1);
    t.match(rerun, { organizations: 1, organizationsFailed: 0 });
    t.match((await newcomerApi.get(`/leads/${newcomerOpen[0]}/score`)).json(), { scope: 'user' });
  },
);
