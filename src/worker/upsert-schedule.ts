// Creates a schedule, or brings an existing one up to date in place: every worker start runs this for each
// schedule, so a changed setting only needs a restart. Another worker may have created it first; its pause
// state and notes are kept.
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

export async function upsertSchedule(
  client: Client,
  options: Pick<ScheduleOptions, 'scheduleId' | 'spec' | 'action' | 'policies'>,
): Promise<string> {
  const { scheduleId, spec, action, policies } = options;
  try {
    await client.schedule.create({ scheduleId, spec, action, ...(policies ? { policies } : {}) });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
  }
  return scheduleId;
}
