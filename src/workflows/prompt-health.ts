// promptHealthWorkflow (run daily by the `prompt-health` schedule): one activity that checks the model of every
// prompt version in use. Retried while OpenAI or PostgreSQL are away; the next day's run starts fresh.
import { proxyActivities } from '@temporalio/workflow';
import type { PromptHealthActivities, PromptHealthResult } from '../activities/prompt-health.js';

const { checkPromptHealth } = proxyActivities<PromptHealthActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 20 },
});

export async function promptHealthWorkflow(): Promise<PromptHealthResult> {
  return checkPromptHealth();
}
