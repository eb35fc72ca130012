// The `lead-scoring-weekly` schedule, created or brought up to date at every worker start,
// so changing SCORING_SCHEDULE_CRON / _TIMEZONE and restarting is all an operator does.
import { ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import type { Config } from '../config.js';
import { upsertSchedule } from './upsert-schedule.js';
import { SCORING_SCHEDULE_ID } from '../temporal/ids.js';
import { weeklyScoringWorkflow } from '../workflows/scoring.js';

/** A weekly job whose slot was missed (server down) still runs if the server is back within a day. */
const SCORING_CATCHUP_WINDOW = '1 day';

export async function ensureScoringSchedule(client: Client, config: Config): Promise<void> {
  const spec: ScheduleSpec = {
    cronExpressions: [config.scoring.scheduleCron],
    timezone: config.scoring.scheduleTimezone,
  };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: weeklyScoringWorkflow,
    // Temporal appends the scheduled time, so every run has its own id.
    workflowId: SCORING_SCHEDULE_ID,
    taskQueue: config.temporal.taskQueue,
    args: [{}],
  };
  // SKIP: a run still going a week later (a huge backlog) is not doubled up.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: SCORING_CATCHUP_WINDOW };
  await upsertSchedule(client, { scheduleId: SCORING_SCHEDULE_ID, spec, action, policies });
}
