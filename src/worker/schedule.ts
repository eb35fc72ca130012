import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';

/** TODO(scoring issue): create or update the `lead-scoring-weekly` schedule, idempotently. */
export async function ensureScoringSchedule(_client: Client, _config: Config): Promise<void> {}
