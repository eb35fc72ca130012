// The first step of a call's analysis in one statement: it reads the call, the day's OpenAI spend, the user's
// and the organization's prompt settings with the prompt rows they name, and moves the call to `analyzing` (or
// back to `queued` with the budget's message). Raw SQL skips the ORM's filters, so every table is joined on
// the organization. Versions are immutable and come from the caller's cache: a steady stream of analyses reads
// no version row here.
import type { EntityManager } from '@mikro-orm/postgresql';
import { settingsColumns, type SettingsRow } from '../prompts/settings-sql.js';
import { utcDay } from '../usage/budget.js';

export interface CallAnalysisStart extends SettingsRow {
  /** The call's status before this step; null when the call does not exist in the organization. */
  previous: string | null;
  /** `analyzing`, `queued` (the budget is spent) or null (nothing changed: analysed already). */
  status: 'analyzing' | 'queued' | null;
}

export async function startCallAnalysis(
  em: EntityManager,
  input: {
    organizationId: string;
    callRowId: string;
    reanalysis: boolean;
    /** Tokens a day; 0 = no limit. */
    budget: number;
    /** The message a call waiting for the budget shows. */
    waiting: string;
  },
): Promise<CallAnalysisStart> {
  const settings = settingsColumns('individual', 'c.user_id');
  const rows = await em
    .getConnection()
    .execute<(SettingsRow & { previous: string; status: CallAnalysisStart['status'] })[]>(
      `with c as (
       select id, status, user_id from calls where id = ?::uuid and organization_id = ?::uuid
     ), spent as (
       select coalesce((select input_tokens + output_tokens from openai_usage_days
                         where organization_id = ?::uuid and day = ?::varchar), 0) as tokens
     ), next as (
       select c.id, case when ?::bigint > 0 and spent.tokens >= ?::bigint then 'queued' else 'analyzing' end as status
         from c, spent where c.status <> 'analyzed' or ?::boolean
     ), moved as (
       update calls set status = next.status,
              error = case when next.status = 'queued' then ?::text end
         from next where calls.id = next.id and calls.organization_id = ?::uuid
       returning calls.status
     )
     select c.status as previous, (select status from moved) as status, ${settings.columns}
       from c join organizations so on so.id = ?::uuid
       ${settings.joins}`,
      [
        input.callRowId,
        input.organizationId,
        input.organizationId,
        utcDay(),
        input.budget,
        input.budget,
        input.reanalysis,
        input.waiting,
        input.organizationId,
        input.organizationId,
      ],
    );
  const row = rows[0];
  if (!row)
    return {
      previous: null,
      status: null,
      user_setting: null,
      organization_setting: null,
      user_prompt: null,
      organization_prompt: null,
    };
  return row;
}
