// Everything a fold reads, in one statement: the lead, its oldest unfolded call analyses (at most `limit`), how
// many wait in all, the template variables (rep, preferences, organization), the day's OpenAI spend, and whether
// this run's fold was stored already. Timestamps the fold's write is guarded on stay PostgreSQL's text, so the
// guard compares them exactly. Raw SQL skips the ORM's filters: every table is joined on the organization.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TemplateVariables } from '../prompts/template.js';
import { PEOPLE, variablesOf, type ContextRow } from '../prompts/prompt-context.js';
import { utcDay } from '../usage/budget.js';
import { settingsColumns, type SettingsRow } from '../prompts/settings-sql.js';
import type { FoldCall, FoldLead } from './complete-analysis-input.js';

export interface FoldInput {
  lead: FoldLead & { assignedTo: string | null };
  /** The lead's complete analysis time as read (null: never folded). */
  completeAnalysisAt: string | null;
  calls: (FoldCall & { id: string; analyzedAt: string | null })[];
  /** Unfolded analysed calls in all (`calls` holds the first `limit`). */
  pending: number;
  variables: TemplateVariables;
  /** Tokens spent today by the organization. */
  spent: number;
  /** An earlier attempt of this run stored its fold. */
  stored: boolean;
}

interface FoldRow extends ContextRow {
  id: string;
  phone: string | null;
  email: string | null;
  status: FoldLead['status'];
  complete_analysis: Record<string, unknown> | null;
  complete_analysis_at: string | null;
  assigned_to_id: string | null;
  stored: boolean;
  pending: number;
  spent: string | number;
  calls: {
    id: string;
    callId: string;
    startedAt: string | null;
    durationSeconds: number | null;
    analysis: Record<string, unknown> | null;
    analyzedAt: string | null;
  }[];
}

/** Null when the lead does not exist in the organization. */
export async function readFoldInput(
  em: EntityManager,
  input: { organizationId: string; leadId: string; runKey: string; limit: number },
): Promise<FoldInput | null> {
  const unfolded = `c.lead_id = l.id and c.organization_id = l.organization_id and c.status = 'analyzed'
    and c.folded_at is null`;
  const rows = await em.getConnection().execute<FoldRow[]>(
    `select l.id, l.external_id, l.name as lead_name, l.phone, l.email, l.status, l.call_count,
            l.complete_analysis, l.complete_analysis_at::text as complete_analysis_at, l.assigned_to_id, ${PEOPLE},
            exists (select 1 from analyses a where a.run_key = ? and a.organization_id = l.organization_id) as stored,
            (select count(*)::int from calls c where ${unfolded}) as pending,
            coalesce((select input_tokens + output_tokens from openai_usage_days d
                       where d.organization_id = l.organization_id and d.day = ?::varchar), 0) as spent,
            coalesce((select jsonb_agg(jsonb_build_object('id', x.id, 'callId', x.call_id, 'startedAt', x.started_at,
                        'durationSeconds', x.duration_seconds, 'analysis', x.analysis, 'analyzedAt', x.analyzed_at)
                        order by x.analyzed_at, x.id)
                        from (select c.id, c.call_id, c.started_at, c.duration_seconds, c.analysis, c.analyzed_at
                                from calls c where ${unfolded}
                               order by c.analyzed_at, c.id limit ?) x), '[]'::jsonb) as calls
       from leads l
       join organizations o on o.id = l.organization_id
       left join users u on u.id = l.assigned_to_id and u.organization_id = l.organization_id
       left join user_ai_preferences pr on pr.user_id = l.assigned_to_id and pr.organization_id = l.organization_id
      where l.id = ? and l.organization_id = ?`,
    [input.runKey, utcDay(), input.limit, input.leadId, input.organizationId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    lead: {
      id: row.id,
      externalId: row.external_id!,
      name: row.lead_name,
      phone: row.phone,
      email: row.email,
      status: row.status,
      callCount: Number(row.call_count),
      completeAnalysis: row.complete_analysis,
      assignedTo: row.assigned_to_id,
    },
    completeAnalysisAt: row.complete_analysis_at,
    calls: row.calls.map((call) => ({
      id: call.id,
      callId: call.callId,
      startedAt: call.startedAt ? new Date(call.startedAt) : null,
      durationSeconds: call.durationSeconds,
      analysis: call.analysis,
      analyzedAt: call.analyzedAt,
    })),
    pending: Number(row.pending),
    variables: variablesOf(row),
    spent: Number(row.spent),
    stored: row.stored,
  };
}

/** What a fold needs before it starts: how many calls wait, and the lead's assignee's and the organization's
 * complete-prompt settings (null: the lead does not exist in the organization). */
export async function readFoldPreparation(
  em: EntityManager,
  input: { organizationId: string; leadId: string },
): Promise<(SettingsRow & { pending: number }) | null> {
  const settings = settingsColumns('complete', 'l.assigned_to_id');
  const rows = await em.getConnection().execute<(SettingsRow & { pending: number })[]>(
    `select (select count(*)::int from calls c
              where c.lead_id = l.id and c.organization_id = l.organization_id and c.status = 'analyzed'
                and c.folded_at is null) as pending,
            ${settings.columns}
       from leads l
       join organizations so on so.id = l.organization_id
       ${settings.joins}
      where l.id = ? and l.organization_id = ?`,
    [input.leadId, input.organizationId],
  );
  const row = rows[0];
  return row ? { ...row, pending: Number(row.pending) } : null;
}
