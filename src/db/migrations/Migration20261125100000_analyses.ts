import { Migration } from '@mikro-orm/migrations';

export class Migration20261125100000_analyses extends Migration {
  override name = 'Migration20261125100000_analyses';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "analyses" ("id" uuid not null, "organization_id" uuid not null, "kind" text not null, "outcome" text not null, "call_id" uuid null, "lead_id" uuid null, "user_id" uuid null, "analysis" jsonb null, "prompt_id" varchar(255) null, "prompt_source" text null, "prompt_version" varchar(64) null, "model" varchar(128) null, "fallback" boolean not null default false, "input_tokens" int null, "output_tokens" int null, "latency_ms" int null, "error" text null, "run_key" varchar(700) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "analyses" add constraint "analyses_run_key_unique" unique ("run_key");`);
    this.addSql(`create index "analyses_call_id_created_at_index" on "analyses" ("call_id", "created_at");`);
    this.addSql(
      `create index "analyses_organization_id_user_id_created_at_index" on "analyses" ("organization_id", "user_id", "created_at");`,
    );

    this.addSql(
      `alter table "analyses" add constraint "analyses_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "analyses" add constraint "analyses_kind_check" check ("kind" in ('individual', 'complete'));`,
    );
    this.addSql(
      `alter table "analyses" add constraint "analyses_outcome_check" check ("outcome" in ('succeeded', 'failed'));`,
    );
    this.addSql(
      `alter table "analyses" add constraint "analyses_prompt_source_check" check ("prompt_source" in ('user', 'system'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "analyses" cascade;`);
  }
}
