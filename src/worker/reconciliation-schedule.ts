// The `call-reconciliation` schedule: every 5 minutes, restart calls stuck in queued/analyzing without an open
// workflow (a start that failed while Temporal was down, a terminated or timed-out run). Created or brought up to
// date at every worker start, like the weekly scoring schedule.
import { ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction } from '@temporalio/client';
import type { Config } from '../config.js';
import { upsertSchedule } from './upsert-schedule.js';
import { callReconciliationWorkflow } from '../workflows/reanalysis.js';

const RECONCILIATION_SCHEDULE_ID = 'call-reconciliation';

export async function ensureReconciliationSchedule(
  client: Client,
  config: Config,
  options: { scheduleId?: string; minAgeSeconds?: number } = {},
): Promise<string> {
  const scheduleId = options.scheduleId ?? RECONCILIATION_SCHEDULE_ID;
  const spec = { intervals: [{ every: '5 minutes' as const }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: callReconciliationWorkflow,
    workflowId: scheduleId,
    taskQueue: config.temporal.taskQueue,
    args: [options.minAgeSeconds === undefined ? {} : { minAgeSeconds: options.minAgeSeconds }],
  };
  // SKIP: a slow pass is never doubled up; a missed slot is simply the next one.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' };
  return upsertSchedule(client, { scheduleId, spec, action, policies });
}
