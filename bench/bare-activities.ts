// The baseline's activities: nothing but an optional wait standing in for OpenAI's latency.
import { setTimeout as sleep } from 'node:timers/promises';

export const bareActivities = {
  async bareStep(delayMs: number): Promise<void> {
    if (delayMs > 0) await sleep(delayMs);
  },
};

export type BareActivities = typeof bareActivities;
