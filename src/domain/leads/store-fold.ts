// Stores a fold in one round trip through the function `callsense_pipeline.store_fold` (created by
// Migration20261204220000_store_fold_function): calls marked folded, the lead's complete analysis, the history
// row, the day's usage and the `lead.analysis.updated` deliveries, all guarded on what the fold read.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PriceTable } from '../experiments/prices.js';
import { usageRow } from '../usage/budget.js';
import { sqlStateOf } from '../../db/sql-state.js';
import type { AnswerRecord } from '../analyses/answer-record.js';

/** The lead or one of its calls changed after the fold read them: nothing was written. */
export class StaleFoldError extends Error {}

const STALE_SQLSTATE = 'CS409';

export interface FoldRecord extends AnswerRecord {
  organizationId: string;
  leadId: string;
  userId: string | null;
  /** The calls folded, with the `analyzed_at` each had when read. */
  calls: { id: string; analyzedAt: string | null }[];
  /** The lead's `complete_analysis_at` when read. */
  previousAt: string | null;
  analysisId: string;
  runKey: string;
}

/** Returns how many analysed calls of the lead still wait to be folded. */
export async function storeFold(em: EntityManager, record: FoldRecord, prices: PriceTable): Promise<number> {
  const at = new Date().toISOString();
  const usage = usageRow(record.usage, { prices, model: record.model });
  try {
    const rows = await em.getConnection().execute<{ remaining: number }[]>(
      `select callsense_pipeline.store_fold(?::uuid, ?::uuid, ?::jsonb, ?::timestamptz, ?::uuid, ?::uuid, ?::jsonb,
         ?, ?, ?, ?::int, ?, ?, ?::int, ?::int, ?::int, ?, ?::varchar, ?::float8, ?::timestamptz, ?) as remaining`,
      [
        record.organizationId,
        record.leadId,
        JSON.stringify(record.calls),
        record.previousAt,
        record.analysisId,
        record.userId,
        JSON.stringify(record.analysis),
        record.promptId,
        record.promptName,
        record.promptSource,
        record.promptVersion,
        record.fallbackReason,
        record.model,
        record.usage?.inputTokens ?? null,
        record.usage?.outputTokens ?? null,
        record.latencyMs,
        record.runKey,
        usage?.day ?? at.slice(0, 10),
        usage?.costUsd ?? 0,
        at,
        at,
      ],
    );
    return Number(rows[0]?.remaining ?? 0);
  } catch (error) {
    if (sqlStateOf(error) === STALE_SQLSTATE) throw new StaleFoldError((error as Error).message);
    throw error;
  }
}
