import { Migration } from '@mikro-orm/migrations';

// The webhook intake in one round trip (src/domain/calls/intake.ts): one function call, run by PostgreSQL as
// its own single-statement transaction, does what used to take BEGIN, the lock with the user check, the intake
// statement and COMMIT. A VOLATILE plpgsql function gives each statement inside it a fresh snapshot, so the
// lookup of the callId after the advisory lock sees a delivery of the same callId that held the lock before
// (one statement alone would not: its snapshot is taken before it waits for the lock). The lock is
// transaction-scoped and released when the call's implicit transaction ends.
// No rows: the user is not one of the organization's, and nothing was stored.
// It lives in a schema of its own, "callsense_intake", which holds no tables: MikroORM's schema diff looks for
// routines only in the schemas of the entities' tables, so it neither drops this hand-written function nor
// reports it as drift (test/db/schema-drift.test.ts). Its statements name tables unqualified, resolved by the
// caller's search_path like the rest of the application's SQL.

export class Migration20261204194000_store_call_function extends Migration {
  override name = 'Migration20261204194000_store_call_function';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "callsense_intake";`);
    this.addSql(`create function "callsense_intake"."store_call"(
  p_organization_id uuid, p_call_id varchar, p_user_id uuid, p_lead_row_id uuid, p_external_id varchar,
  p_name varchar, p_phone varchar, p_email varchar, p_call_row_id uuid, p_transcript text,
  p_started_at timestamptz, p_duration_seconds double precision, p_metadata jsonb, p_workflow_id varchar,
  p_source text)
returns table (call_row_id uuid, call_lead_id uuid, call_workflow_id text, call_status text, is_duplicate boolean)
language plpgsql volatile as $body$
begin
  perform pg_advisory_xact_lock(hashtextextended(p_organization_id::text || ':' || p_call_id, 0));
  if not exists (select 1 from users u where u.id = p_user_id and u.organization_id = p_organization_id) then
    return;
  end if;
  select c.id, c.lead_id, c.workflow_id::text, c.status, true
    into call_row_id, call_lead_id, call_workflow_id, call_status, is_duplicate
    from calls c where c.organization_id = p_organization_id and c.call_id = p_call_id;
  if found then
    return next;
    return;
  end if;
  insert into leads as l (id, organization_id, external_id, name, phone, email, status, assigned_to_id,
      call_count, created_at, updated_at)
    values (p_lead_row_id, p_organization_id, p_external_id, p_name, p_phone, p_email, 'NEW', p_user_id, 1,
      now(), now())
    on conflict (organization_id, external_id) do update set
      name = coalesce(excluded.name, l.name),
      phone = coalesce(excluded.phone, l.phone),
      email = coalesce(excluded.email, l.email),
      call_count = l.call_count + 1,
      updated_at = now()
    returning l.id into call_lead_id;
  insert into calls as c (id, organization_id, call_id, lead_id, user_id, transcript, started_at,
      duration_seconds, metadata, status, workflow_id, created_at, source)
    values (p_call_row_id, p_organization_id, p_call_id, call_lead_id, p_user_id, p_transcript, p_started_at,
      p_duration_seconds, p_metadata, 'queued', p_workflow_id, now(), p_source)
    returning c.id, c.workflow_id::text, c.status into call_row_id, call_workflow_id, call_status;
  is_duplicate := false;
  return next;
end
$body$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "callsense_intake"."store_call";`);
    this.addSql(`drop schema if exists "callsense_intake";`);
  }
}
