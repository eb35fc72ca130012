import { Migration } from '@mikro-orm/migrations';

// A fold's write in one round trip (src/domain/leads/store-fold.ts): the calls it folded are marked, the lead
// takes the new complete analysis, the history row, the day's OpenAI usage and one `lead.analysis.updated`
// delivery per subscribed endpoint are written, and it answers how many analysed calls still wait. Every part is
// guarded on what the fold read: a call re-analysed since (its `analyzed_at` moved) or a lead folded by another
// attempt raises SQLSTATE CS409, which rolls the whole call back, and the fold is computed again.
// It lives in the schema "callsense_pipeline", which holds no tables, for the reason given in the intake
// function's migration: MikroORM's schema diff neither drops it nor reports it as drift.

export class Migration20261204220000_store_fold_function extends Migration {
  override name = 'Migration20261204220000_store_fold_function';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "callsense_pipeline";`);
    this.addSql(`create function "callsense_pipeline"."store_fold"(
  p_organization_id uuid, p_lead_id uuid, p_basis jsonb, p_previous_at timestamptz, p_analysis_id uuid,
  p_user_id uuid, p_analysis jsonb, p_prompt_id varchar, p_prompt_name varchar, p_prompt_source text,
  p_prompt_version int, p_fallback_reason text, p_model varchar, p_input_tokens int, p_output_tokens int,
  p_latency_ms int, p_run_key varchar, p_usage_day varchar, p_cost_usd double precision, p_at timestamptz,
  p_at_text text)
returns int
language plpgsql volatile as $body$
declare
  v_marked int;
  v_external_id varchar;
  v_call_count int;
  v_remaining int;
begin
  update calls c set folded_at = p_at
    from jsonb_to_recordset(p_basis) as b(id uuid, "analyzedAt" timestamptz)
   where c.id = b.id and c.organization_id = p_organization_id and c.folded_at is null
     and c.analyzed_at is not distinct from b."analyzedAt";
  get diagnostics v_marked = row_count;
  if v_marked <> jsonb_array_length(p_basis) then
    raise exception 'a call was re-analysed while the lead was folded' using errcode = 'CS409';
  end if;
  update leads l set complete_analysis = p_analysis, complete_analysis_prompt_id = p_prompt_id,
         complete_analysis_prompt_name = p_prompt_name, complete_analysis_prompt_source = p_prompt_source,
         complete_analysis_prompt_version = p_prompt_version, complete_analysis_model = p_model,
         complete_analysis_at = p_at, updated_at = p_at
   where l.id = p_lead_id and l.organization_id = p_organization_id
     and l.complete_analysis_at is not distinct from p_previous_at
  returning l.external_id, l.call_count into v_external_id, v_call_count;
  if not found then
    raise exception 'the lead was folded by another attempt' using errcode = 'CS409';
  end if;
  insert into analyses (id, organization_id, kind, outcome, lead_id, user_id, analysis, prompt_id, prompt_name,
      prompt_source, prompt_version, fallback_reason, model, fallback, input_tokens, output_tokens, latency_ms,
      run_key, created_at)
    values (p_analysis_id, p_organization_id, 'complete', 'succeeded', p_lead_id, p_user_id, p_analysis,
      p_prompt_id, p_prompt_name, p_prompt_source, p_prompt_version, p_fallback_reason, p_model,
      p_fallback_reason is not null, p_input_tokens, p_output_tokens, p_latency_ms, p_run_key, p_at);
  if coalesce(p_input_tokens, 0) + coalesce(p_output_tokens, 0) > 0 then
    insert into openai_usage_days as d (organization_id, day, input_tokens, output_tokens, cost_usd)
      values (p_organization_id, p_usage_day, p_input_tokens, p_output_tokens, p_cost_usd)
      on conflict (organization_id, day) do update set
        input_tokens = d.input_tokens + excluded.input_tokens,
        output_tokens = d.output_tokens + excluded.output_tokens,
        cost_usd = d.cost_usd + excluded.cost_usd;
  end if;
  insert into event_deliveries (id, organization_id, endpoint_id, type, fact_key, stream, payload, status,
      attempts, round_attempts, next_attempt_at, created_at, updated_at)
    select gen_random_uuid(), p_organization_id, e.id, 'lead.analysis.updated',
           'lead.analysis.updated:' || p_run_key, p_lead_id::text,
           jsonb_build_object('type', 'lead.analysis.updated', 'timestamp', p_at_text, 'data', jsonb_build_object(
             'leadId', p_lead_id, 'externalId', v_external_id, 'completeAnalysis', p_analysis,
             'callCount', v_call_count, 'organizationId', p_organization_id)),
           'pending', 0, 0, p_at, p_at, p_at
      from event_endpoints e
     where e.organization_id = p_organization_id and e.enabled
       and e.events @> '["lead.analysis.updated"]'::jsonb
    on conflict (endpoint_id, fact_key) do nothing;
  select count(*)::int into v_remaining from calls c
   where c.lead_id = p_lead_id and c.organization_id = p_organization_id and c.status = 'analyzed'
     and c.folded_at is null;
  return v_remaining;
end
$body$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "callsense_pipeline"."store_fold";`);
    this.addSql(`drop schema if exists "callsense_pipeline";`);
  }
}
