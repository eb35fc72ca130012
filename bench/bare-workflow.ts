// The baseline for bench:pipeline: a workflow of two trivial activities (the first waits like a model).
import { proxyActivities } from '@temporalio/workflow';
import type { BareActivities } from './bare-activities.js';

const { bareStep } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

export async function bareWorkflow(delayMs: number): Promise<void> {
  await bareStep(delayMs);
  await bareStep(0);
}
