// The `lead-scoring-weekly` schedule on a real Temporal server. A schedule id is global to its namespace and
// every test file's worker ensures it with its own task queue, so this file works in a namespace of its own.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { ensureSearchAttributes } from '../../src/temporal/ensure-search-attributes.js';
import { ensureScoringSchedule } from '../../src/worker/schedule.js';
import { PROMPT_HEALTH_SCHEDULE_ID } from '../../src/worker/prompt-health-schedule.js';
import { startWorker, type RunningWorker } from '../../src/worker/run.js';
import { SCORING_SCHEDULE_ID, userScoringWorkflowId } from '../../src/temporal/ids.js';
import { LeadScoringModel } from '../../src/domain/scoring/lead-scoring-model.entity.js';
import type { WeeklyScoringResult } from '../../src/workflows/scoring.js';
import { startStack, waitFor } from '../support/harness.js';
import { addUser, signup } from '../support/api.js';
import { budgetDecides, insertLeads, insertOutcomeLeads } from './seed.js';

t.test(
  'created at worker start with the configured spec, updated in place, triggered it trains exactly the eligible users',
  async (t) => {
    const namespace = `callsense-scoring-${randomUUID().slice(0, 8)}`;
    const admin = await Connection.connect({ address: process.env.CALLSENSE_TEST_TEMPORAL_ADDRESS! });
    await admin.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await waitFor(() => admin.workflowService.describeNamespace({ namespace }).then(() => true), {
      what: 'the namespace',
    });
    await ensureSearchAttributes(admin, namespace);

    // Workers started here through the production entry point (src/worker/run.ts), not the harness's.
    const stack = await startStack(t, {
      worker: false,
      env: {
        TEMPORAL_NAMESPACE: namespace,
        SCORING_SCHEDULE_ENABLED: 'true', // the harness turns it off for every other test file
        SCORING_SCHEDULE_CRON: '30 4 * * 2',
        SCORING_SCHEDULE_TIMEZONE: 'Europe/Paris',
        SCORING_MIN_LEADS_PER_CLASS: '3',
      },
    });
    const workers: RunningWorker[] = [];
    const start = async () => {
      workers.push(
        await startWorker(
          stack.config,
          { databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress },
          { orm: stack.orm, workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH },
        ),
      );
    };
    t.teardown(async () => {
      for (const worker of workers) await worker.stop();
      await admin.operatorService.deleteNamespace({ namespace }).catch(() => undefined);
      await admin.close();
    });
    const client = stack.temporal.client;
    const schedule = client.schedule.getHandle(SCORING_SCHEDULE_ID);

    // Created by the worker start, as configured.
    await start();
    const created = await schedule.describe();
    t.match(
      created.spec.calendars?.[0],
      { minute: [{ start: 30 }], hour: [{ start: 4 }], dayOfWeek: [{ start: 'TUESDAY' }] },
      'cron 30 4 * * 2',
    );
    t.equal(created.spec.timezone, 'Europe/Paris');
    t.match(created.action, {
      type: 'startWorkflow',
      workflowType: 'weeklyScoringWorkflow',
      taskQueue: stack.config.temporal.taskQueue,
    });
    t.equal(created.policies.overlap, 'SKIP');
    t.equal(created.policies.catchupWindow, 86_400_000, 'a one-day catch-up window');

    // A second worker starting beside the first (and a restart with another cron) update the same schedule.
    await start();
    await ensureScoringSchedule(client, {
      ...stack.config,
      scoring: { ...stack.config.scoring, scheduleCron: '0 5 * * 3' },
    });
    const changed = await schedule.describe();
    t.match(
      changed.spec.calendars?.[0],
      { minute: [{ start: 0 }], hour: [{ start: 5 }], dayOfWeek: [{ start: 'WEDNESDAY' }] },
      'the new cron',
    );
    t.same(changed.info.createdAt, created.info.createdAt, 'updated in place, not re-created');
    await ensureScoringSchedule(client, stack.config);
    const listed = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const s of client.schedule.list()) ids.push(s.scheduleId);
        return ids.length > 2 ? ids.sort() : null;
      },
      { what: 'the schedules in the list' },
    );
    // The worker start also keeps the call-reconciliation and prompt-health schedules (one of each, however many
    // workers).
    t.same(
      listed,
      ['call-reconciliation', PROMPT_HEALTH_SCHEDULE_ID, SCORING_SCHEDULE_ID].sort(),
      'exactly one schedule of each kind',
    );

    // Eligible: users with WON/LOST leads (enough or not). Not eligible: only open leads, or no leads.
    const admin1 = await signup(stack.app);
    const admin2 = await signup(stack.app);
    const [trained1, openOnly, tooFew] = [
      await addUser(stack.app, admin1),
      await addUser(stack.app, admin1),
      await addUser(stack.app, admin1),
    ];
    const trained2 = await addUser(stack.app, admin2);
    await addUser(stack.app, admin2);
    await insertOutcomeLeads(stack.orm, trained1, 3, 3, 1, budgetDecides);
    await insertOutcomeLeads(stack.orm, trained2, 3, 3, 2, budgetDecides);
    await insertLeads(stack.orm, admin1.organization.id, openOnly.user.id, [
      { status: 'NEW' },
      { status: 'QUALIFIED' },
    ]);
    await insertLeads(stack.orm, admin1.organization.id, tooFew.user.id, [{ status: 'WON' }, { status: 'NEW' }]);

    await schedule.trigger();
    const action = await waitFor(async () => (await schedule.describe()).info.recentActions[0], {
      what: 'the triggered run',
    });
    const result: WeeklyScoringResult = await client.workflow.getHandle(action.action.workflow.workflowId).result();
    t.match(result, { users: 3, trained: 2, insufficientData: 1, failed: 0 });

    const expected = [
      userScoringWorkflowId(admin1.organization.id, trained1.user.id, result.runDate),
      userScoringWorkflowId(admin1.organization.id, tooFew.user.id, result.runDate),
      userScoringWorkflowId(admin2.organization.id, trained2.user.id, result.runDate),
    ];
    const children = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const w of client.workflow.list({ query: `WorkflowType = 'userScoringWorkflow'` }))
          ids.push(w.workflowId);
        return ids.length >= expected.length ? ids : null;
      },
      { what: 'the children in visibility' },
    );
    t.same(
      new Set(children),
      new Set(expected),
      'one child per eligible (organization, user), with the documented ids',
    );
    t.equal(children.length, expected.length);
    const org1Children: string[] = [];
    for await (const w of client.workflow.list({
      query: `OrganizationId = '${admin1.organization.id}' AND WorkflowType = 'userScoringWorkflow'`,
    }))
      org1Children.push(w.workflowId);
    t.same(new Set(org1Children), new Set(expected.slice(0, 2)), 'found by the OrganizationId search attribute');

    const modelOwners = await stack.orm.em
      .fork()
      .find(LeadScoringModel, { scope: 'user' }, { filters: false, fields: ['user'] });
    t.same(
      new Set(modelOwners.map((m) => m.user)),
      new Set([trained1.user.id, trained2.user.id]),
      'models for the users with enough data only',
    );
  },
);
