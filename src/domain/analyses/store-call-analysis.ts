// Stores a call's analysis in one statement, which PostgreSQL runs as its own transaction: the history row
// (once per run key), the day's OpenAI usage, the call row (now `analyzed` and waiting to be folded) and one
// `call.analyzed` delivery per subscribed endpoint. Every later part hangs on the history row's insert, so a
// retried attempt that finds its row stored changes nothing. Raw SQL skips the ORM's filters: every table is
// named with the organization.
import type { EntityManager } from '@mikro-orm/postgresql';
import { ADD_TO_USAGE_DAY, usageRow } from '../usage/budget.js';
import type { PriceTable } from '../experiments/prices.js';
import type { AnswerRecord } from './answer-record.js';

export interface CallAnalysisRecord extends AnswerRecord {
  organizationId: string;
  callRowId: string;
  userId: string | null;
  analysisId: string;
  runKey: string;
}

/** False when the run's analysis was stored already (nothing written). */
export async function storeCallAnalysis(
  em: EntityManager,
  record: CallAnalysisRecord,
  prices: PriceTable,
): Promise<boolean> {
  const now = new Date().toISOString();
  const usage = usageRow(record.usage, { prices, model: record.model });
  const org = record.organizationId;
  const rows = await em.getConnection().execute<{ inserted: number }[]>(
    `with stored as (
       insert into analyses (id, organization_id, kind, outcome, call_id, user_id, analysis, prompt_id, prompt_name,
           prompt_source, prompt_version, fallback_reason, model, fallback, input_tokens, output_tokens, latency_ms,
           run_key, created_at)
       values (?::uuid, ?::uuid, 'individual', 'succeeded', ?::uuid, ?::uuid, ?::jsonb, ?, ?, ?, ?::int, ?, ?,
           ?::boolean, ?::int, ?::int, ?::int, ?, ?::timestamptz)
       on conflict (run_key) do nothing
       returning id, analysis, prompt_id, prompt_name, prompt_source, prompt_version, fallback_reason, model
     ), used as (
       insert into openai_usage_days as d (organization_id, day, input_tokens, output_tokens, cost_usd)
       select ?::uuid, ?::varchar, ?::bigint, ?::bigint, ?::float8 from stored where ?::boolean
       ${ADD_TO_USAGE_DAY}
     ), analysed as (
       update calls c set status = 'analyzed', analysis = stored.analysis, prompt_id = stored.prompt_id,
              prompt_name = stored.prompt_name, prompt_source = stored.prompt_source,
              prompt_version = stored.prompt_version, fallback_reason = stored.fallback_reason,
              model = stored.model, error = null, analyzed_at = ?::timestamptz, folded_at = null
         from stored where c.id = ?::uuid and c.organization_id = ?::uuid
       returning c.id, c.call_id, c.source, c.lead_id, c.user_id, c.analysis, c.prompt_id, c.prompt_version
     ), announced as (
       insert into event_deliveries (id, organization_id, endpoint_id, type, fact_key, stream, payload, status,
           attempts, round_attempts, next_attempt_at, created_at, updated_at)
       select gen_random_uuid(), ?::uuid, e.id, 'call.analyzed', ?, a.lead_id::text,
              jsonb_build_object('type', 'call.analyzed', 'timestamp', ?::text, 'data', jsonb_build_object(
                'id', a.id, 'callId', a.call_id, 'source', a.source, 'leadId', a.lead_id,
                'externalId', l.external_id, 'userId', a.user_id, 'analysis', a.analysis, 'promptId', a.prompt_id,
                'promptVersion', a.prompt_version, 'analyzedAt', ?::text, 'organizationId', ?::text)),
              'pending', 0, 0, ?::timestamptz, ?::timestamptz, ?::timestamptz
         from analysed a
         join leads l on l.id = a.lead_id and l.organization_id = ?::uuid
         join event_endpoints e on e.organization_id = ?::uuid and e.enabled
              and e.events @> '["call.analyzed"]'::jsonb
       on conflict (endpoint_id, fact_key) do nothing
     )
     select count(*)::int as inserted from stored`,
    [
      // stored
      record.analysisId,
      org,
      record.callRowId,
      record.userId,
      JSON.stringify(record.analysis),
      record.promptId,
      record.promptName,
      record.promptSource,
      record.promptVersion,
      record.fallbackReason,
      record.model,
      record.fallbackReason !== null,
      record.usage?.inputTokens ?? null,
      record.usage?.outputTokens ?? null,
      record.latencyMs,
      record.runKey,
      now,
      // used
      org,
      usage?.day ?? now.slice(0, 10),
      usage?.inputTokens ?? 0,
      usage?.outputTokens ?? 0,
      usage?.costUsd ?? 0,
      usage !== null,
      // analysed
      now,
      record.callRowId,
      org,
      // announced
      org,
      `call.analyzed:${record.runKey}`,
      now,
      now,
      org,
      now,
      now,
      now,
      org,
      org,
    ],
  );
  return (rows[0]?.inserted ?? 0) > 0;
}
