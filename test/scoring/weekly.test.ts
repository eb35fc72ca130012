// weeklyScoringWorkflow on real Temporal + PostgreSQL: paging with continue-as-new, bounded concurrency,
// child ids and search attributes as documented, and one failing user not failing the others.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../src/activities/index.js';
import { createWorker } from '../../src/worker/worker.js';
import { createOpenAIGateway } from '../../src/openai/gateway.js';
import { LeadScoringModel } from '../../src/domain/scoring/lead-scoring-model.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { runDateOf, userScoringWorkflowId } from '../../src/temporal/ids.js';
import { startWeeklyScoring } from '../../src/temporal/scoring-runs.js';
import { startStack, waitFor } from '../support/harness.js';
import { activityAttempts, historyOf, localActivityTypes } from '../support/calls.js';
import { addUser, signup } from '../support/api.js';
import { budgetDecides, insertOutcomeLeads } from './seed.js';

t.test(
  'pages through every pair across continue-as-new, at most N children at a time; a failing user is counted, not fatal',
  async (t) => {
    const stack = await startStack(t, { env: { SCORING_MIN_LEADS_PER_CLASS: '3' } });
    const admin1 = await signup(stack.app);
    const admin2 = await signup(stack.app);
    const users = [
      await addUser(stack.app, admin1),
      await addUser(stack.app, admin1),
      await addUser(stack.app, admin2),
      await addUser(stack.app, admin2),
      await addUser(stack.app, admin2),
    ];
    for (const [i, user] of users.entries()) await insertOutcomeLeads(stack.orm, user, 4, 4, 100 + i, budgetDecides);
    const failing = users[2]!;

    // A worker of this test's own: the real activities, except that training fails for one user, and a
    // gauge of how many trainings run at once.
    const taskQueue = `scoring-weekly-${randomUUID()}`;
    const config = { ...stack.config, temporal: { ...stack.config.temporal, taskQueue } };
    const deps = {
      config,
      orm: stack.orm,
      openai: createOpenAIGateway(config.openai),
      temporal: stack.temporal.client,
    };
    const real = createActivities(deps);
    let running = 0;
    let peak = 0;
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    const worker = await createWorker({
      connection,
      ...deps,
      workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
      overrides: {
        activities: {
          ...real,
          async optimizeScoringWeights(pair: { organizationId: string; userId: string }) {
            running++;
            peak = Math.max(peak, running);
            try {
              await new Promise((r) => setTimeout(r, 300)); // long enough for lanes to overlap
              if (pair.userId === failing.user.id)
                throw ApplicationFailure.nonRetryable('synthetic training failure', 'Synthetic');
              return await real.optimizeScoringWeights(pair);
            } finally {
              running--;
            }
          },
        },
      },
    });
    const run = worker.run();
    t.teardown(async () => {
      worker.shutdown();
      await run;
      await connection.close();
    });

    const input = { pageSize: 2, concurrency: 2 };
    const handle = await startWeeklyScoring(stack.temporal.client, taskQueue, input, `weekly-test-${randomUUID()}`);
    const result = await handle.result();
    const runDate = runDateOf(new Date());
    t.match(result, { runDate, users: 5, trained: 4, activated: 4, insufficientData: 0, failed: 1, alreadyRunning: 0 });
    t.same(
      result.failures.map((f) => f.userId),
      [failing.user.id],
    );
    t.match(result.failures[0]!.error, /synthetic training failure/);
    t.equal(peak, 2, 'two trainings at a time, never more');

    const description = await handle.describe();
    t.not(description.runId, handle.firstExecutionRunId, 'pages ran as new runs (continue-as-new)');

    for (const user of users) {
      const models = await tenantEm(stack.orm.em, user.organization.id).count(LeadScoringModel, { user: user.user.id });
      t.equal(
        models,
        user === failing ? 0 : 1,
        `${user === failing ? 'no model for the failing user' : 'a model for every other user'}`,
      );
      const child = stack.temporal.client.workflow.getHandle(
        userScoringWorkflowId(user.organization.id, user.user.id, runDate),
      );
      const info = await child.describe();
      t.equal(info.type, 'userScoringWorkflow');
      t.equal(info.status.name, user === failing ? 'FAILED' : 'COMPLETED');
      // Training runs inside the child's own workflow task, never through the task queue.
      const events = await historyOf(stack, child.workflowId);
      t.same(activityAttempts(events), [], 'no task-queue activity in a scoring child');
      t.same(
        localActivityTypes(events),
        user === failing ? ['optimizeScoringWeights', 'recordFailedScoringRun'] : ['optimizeScoringWeights'],
        'training (and recording its failure) are local activities',
      );
      t.equal(
        info.typedSearchAttributes.get({ name: 'OrganizationId', type: 'KEYWORD' } as never),
        user.organization.id,
      );
      t.equal(info.typedSearchAttributes.get({ name: 'UserId', type: 'KEYWORD' } as never), user.user.id);
    }

    // Visibility: the children of one organization are found by its search attribute.
    const org2Children = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const w of stack.temporal.client.workflow.list({
          query: `WorkflowType = 'userScoringWorkflow' AND OrganizationId = '${admin2.organization.id}'`,
        }))
          ids.push(w.workflowId);
        return ids.length === 3 ? ids : null;
      },
      { what: 'org 2 children in visibility', timeoutMs: 20_000 },
    );
    t.same(
      new Set(org2Children),
      new Set(users.slice(2).map((u) => userScoringWorkflowId(admin2.organization.id, u.user.id, runDate))),
    );
  },
);
