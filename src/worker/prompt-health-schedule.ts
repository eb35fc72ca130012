// The `prompt-health` schedule: daily, check the models of the prompt versions in use (see
// activities/prompt-health.ts). Created or brought up to date at every worker start, like the other schedules.
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { upsertSchedule } from './upsert-schedule.js';
import { promptHealthWorkflow } from '../workflows/prompt-health.js';

export const PROMPT_HEALTH_SCHEDULE_ID = 'prompt-health';

export async function ensurePromptHealthSchedule(
  client: Client,
  config: Config,
  options: { scheduleId?: string } = {},
): Promise<string> {
  const scheduleId = options.scheduleId ?? PROMPT_HEALTH_SCHEDULE_ID;
  // 04:00 UTC: after the weekly scoring run's usual hour, before the working day in most time zones.
  const spec = { cronExpressions: ['0 4 * * *'] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: promptHealthWorkflow,
    workflowId: scheduleId,
    taskQueue: config.temporal.taskQueue,
    args: [] as [],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' };
  return upsertSchedule(client, { scheduleId, spec, action, policies });
}
