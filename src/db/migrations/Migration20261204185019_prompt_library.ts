import { Migration } from '@mikro-orm/migrations';

// Prompts move into CallSense (OpenAI shut its stored prompts down): the prompt library and its immutable
// versions, organization defaults, and the provenance an analysis records (prompt name, numeric version,
// fallback reason, the organization as a prompt source). Versions recorded from OpenAI's stored prompts were
// digit strings; anything else becomes null rather than failing the upgrade.

export class Migration20261204185019_prompt_library extends Migration {
  override name = 'Migration20261204185019_prompt_library';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "prompts" ("id" varchar(70) not null, "organization_id" uuid not null, "name" varchar(200) not null, "kind" text not null, "description" text null, "created_by_id" uuid null, "created_by_email" varchar(320) null, "latest_version" int not null, "labels" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "prompts_organization_id_kind_index" on "prompts" ("organization_id", "kind");`);

    this.addSql(
      `create table "prompt_versions" ("id" uuid not null, "prompt_id" varchar(70) not null, "version" int not null, "organization_id" uuid not null, "instructions" text not null, "input" text null, "model" varchar(128) not null, "reasoning_effort" text null, "temperature" double precision null, "max_output_tokens" int null, "output_schema" jsonb not null, "note" text null, "created_by_id" uuid null, "created_by_email" varchar(320) null, "created_at" timestamptz not null, "warnings" jsonb not null, primary key ("id"));`,
    );
    this.addSql(`create index "prompt_versions_organization_id_index" on "prompt_versions" ("organization_id");`);
    this.addSql(
      `alter table "prompt_versions" add constraint "prompt_versions_prompt_id_version_unique" unique ("prompt_id", "version");`,
    );

    this.addSql(
      `alter table "organizations" add "default_individual_prompt" varchar(100) null, add "default_complete_prompt" varchar(100) null;`,
    );

    this.addSql(`alter table "analyses" drop constraint "analyses_prompt_source_check";`);
    this.addSql(`alter table "analyses" add "prompt_name" varchar(200) null, add "fallback_reason" text null;`);
    this.addSql(
      `alter table "analyses" alter column "prompt_version" type int using (case when "prompt_version" ~ '^[0-9]{1,9}$' then "prompt_version"::int end);`,
    );
    this.addSql(
      `alter table "analyses" add constraint "analyses_prompt_source_check" check ("prompt_source" in ('user', 'organization', 'system'));`,
    );

    this.addSql(`alter table "leads" drop constraint "leads_complete_analysis_prompt_source_check";`);
    this.addSql(`alter table "leads" add "complete_analysis_prompt_name" varchar(200) null;`);
    this.addSql(
      `alter table "leads" alter column "complete_analysis_prompt_version" type int using (case when "complete_analysis_prompt_version" ~ '^[0-9]{1,9}$' then "complete_analysis_prompt_version"::int end);`,
    );
    this.addSql(
      `alter table "leads" add constraint "leads_complete_analysis_prompt_source_check" check ("complete_analysis_prompt_source" in ('user', 'organization', 'system'));`,
    );

    this.addSql(`alter table "calls" drop constraint "calls_prompt_source_check";`);
    this.addSql(`alter table "calls" add "prompt_name" varchar(200) null, add "fallback_reason" text null;`);
    this.addSql(
      `alter table "calls" alter column "prompt_version" type int using (case when "prompt_version" ~ '^[0-9]{1,9}$' then "prompt_version"::int end);`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_prompt_source_check" check ("prompt_source" in ('user', 'organization', 'system'));`,
    );

    this.addSql(
      `alter table "prompts" add constraint "prompts_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "prompts" add constraint "prompts_kind_check" check ("kind" in ('individual', 'complete'));`,
    );

    this.addSql(
      `alter table "prompt_versions" add constraint "prompt_versions_prompt_id_foreign" foreign key ("prompt_id") references "prompts" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "prompt_versions" add constraint "prompt_versions_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "prompt_versions" add constraint "prompt_versions_reasoning_effort_check" check ("reasoning_effort" in ('none', 'low', 'medium', 'high', 'xhigh', 'max'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "prompt_versions" drop constraint "prompt_versions_prompt_id_foreign";`);

    this.addSql(`drop table if exists "prompts" cascade;`);
    this.addSql(`drop table if exists "prompt_versions" cascade;`);

    this.addSql(`alter table "analyses" drop constraint "analyses_prompt_source_check";`);
    this.addSql(`alter table "analyses" drop column "prompt_name", drop column "fallback_reason";`);
    this.addSql(
      `alter table "analyses" alter column "prompt_version" type varchar(64) using ("prompt_version"::varchar(64));`,
    );
    this.addSql(
      `alter table "analyses" add constraint "analyses_prompt_source_check" check ("prompt_source" in ('user', 'system'));`,
    );

    this.addSql(`alter table "calls" drop constraint "calls_prompt_source_check";`);
    this.addSql(`alter table "calls" drop column "prompt_name", drop column "fallback_reason";`);
    this.addSql(
      `alter table "calls" alter column "prompt_version" type varchar(64) using ("prompt_version"::varchar(64));`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_prompt_source_check" check ("prompt_source" in ('user', 'system'));`,
    );

    this.addSql(`alter table "leads" drop constraint "leads_complete_analysis_prompt_source_check";`);
    this.addSql(`alter table "leads" drop column "complete_analysis_prompt_name";`);
    this.addSql(
      `alter table "leads" alter column "complete_analysis_prompt_version" type varchar(64) using ("complete_analysis_prompt_version"::varchar(64));`,
    );
    this.addSql(
      `alter table "leads" add constraint "leads_complete_analysis_prompt_source_check" check ("complete_analysis_prompt_source" in ('user', 'system'));`,
    );

    this.addSql(
      `alter table "organizations" drop column "default_individual_prompt", drop column "default_complete_prompt";`,
    );
  }
}
