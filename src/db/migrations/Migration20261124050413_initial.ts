import { Migration } from '@mikro-orm/migrations';

export class Migration20261124050413_initial extends Migration {
  override name = 'Migration20261124050413_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "organizations" ("id" uuid not null, "name" varchar(200) not null, "webhook_secret" varchar(128) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );

    this.addSql(
      `create table "users" ("id" uuid not null, "organization_id" uuid not null, "email" varchar(320) not null, "password_hash" varchar(255) not null, "role" text not null default 'user', "first_name" varchar(100) null, "last_name" varchar(100) null, "openai_individual_prompt_id" varchar(255) null, "openai_complete_prompt_id" varchar(255) null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "users_organization_id_index" on "users" ("organization_id");`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`create index "users_openai_individual_prompt_id_index" on "users" ("openai_individual_prompt_id");`);
    this.addSql(`create index "users_openai_complete_prompt_id_index" on "users" ("openai_complete_prompt_id");`);

    this.addSql(
      `create table "prompt_changes" ("id" uuid not null, "organization_id" uuid not null, "target_user_id" uuid not null, "actor_id" uuid not null, "field" text not null, "old_value" varchar(255) null, "new_value" varchar(255) null, "changed_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "prompt_changes_organization_id_index" on "prompt_changes" ("organization_id");`);
    this.addSql(
      `create index "prompt_changes_target_user_id_changed_at_index" on "prompt_changes" ("target_user_id", "changed_at");`,
    );

    this.addSql(
      `create table "lead_scoring_models" ("id" uuid not null, "organization_id" uuid not null, "user_id" uuid not null, "version" int not null, "factors" jsonb not null, "intercept" double precision not null, "feature_means" jsonb not null, "feature_stds" jsonb not null, "accuracy" double precision null, "auc" double precision null, "training_data_count" int not null, "training_lead_ids" jsonb not null, "holdout_lead_ids" jsonb not null, "active" boolean not null default false, "trained_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "lead_scoring_models_organization_id_index" on "lead_scoring_models" ("organization_id");`,
    );
    this.addSql(`create index "lead_scoring_models_user_id_index" on "lead_scoring_models" ("user_id");`);
    this.addSql(
      `create index "lead_scoring_models_organization_id_user_id_active_index" on "lead_scoring_models" ("organization_id", "user_id", "active");`,
    );
    this.addSql(
      `alter table "lead_scoring_models" add constraint "lead_scoring_models_organization_id_user_id_version_unique" unique ("organization_id", "user_id", "version");`,
    );

    this.addSql(
      `create table "leads" ("id" uuid not null, "organization_id" uuid not null, "external_id" varchar(255) not null, "name" varchar(255) null, "phone" varchar(64) null, "email" varchar(320) null, "status" text not null default 'NEW', "assigned_to_id" uuid null, "score" double precision null, "score_model_version" int null, "complete_analysis" jsonb null, "complete_analysis_prompt_id" varchar(255) null, "complete_analysis_prompt_source" text null, "complete_analysis_prompt_version" varchar(64) null, "complete_analysis_model" varchar(128) null, "complete_analysis_at" timestamptz null, "call_count" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "leads_organization_id_index" on "leads" ("organization_id");`);
    this.addSql(
      `create index "leads_organization_id_assigned_to_id_status_index" on "leads" ("organization_id", "assigned_to_id", "status");`,
    );
    this.addSql(
      `alter table "leads" add constraint "leads_organization_id_external_id_unique" unique ("organization_id", "external_id");`,
    );

    this.addSql(
      `create table "calls" ("id" uuid not null, "organization_id" uuid not null, "call_id" varchar(255) not null, "lead_id" uuid not null, "user_id" uuid not null, "transcript" text not null, "started_at" timestamptz null, "duration_seconds" double precision null, "metadata" jsonb null, "status" text not null default 'queued', "analysis" jsonb null, "prompt_id" varchar(255) null, "prompt_source" text null, "prompt_version" varchar(64) null, "model" varchar(128) null, "workflow_id" varchar(600) not null, "error" text null, "created_at" timestamptz not null, "analyzed_at" timestamptz null, "folded_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "calls_organization_id_index" on "calls" ("organization_id");`);
    this.addSql(`create index "calls_lead_id_status_index" on "calls" ("lead_id", "status");`);
    this.addSql(
      `create index "calls_organization_id_user_id_created_at_index" on "calls" ("organization_id", "user_id", "created_at");`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_organization_id_call_id_unique" unique ("organization_id", "call_id");`,
    );

    this.addSql(
      `create table "user_ai_preferences" ("id" uuid not null, "organization_id" uuid not null, "user_id" uuid not null, "chatbot_tone" varchar(100) not null default 'professional', "auto_suggest_actions" boolean not null default true, "enable_proactive" boolean not null default true, "preferred_contact_time" varchar(100) null, "ai_insights_frequency" text not null default 'daily', "custom_instructions" text null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "user_ai_preferences_organization_id_index" on "user_ai_preferences" ("organization_id");`,
    );
    this.addSql(
      `alter table "user_ai_preferences" add constraint "user_ai_preferences_user_id_unique" unique ("user_id");`,
    );

    this.addSql(
      `alter table "users" add constraint "users_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('user', 'admin'));`);

    this.addSql(
      `alter table "prompt_changes" add constraint "prompt_changes_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "prompt_changes" add constraint "prompt_changes_target_user_id_foreign" foreign key ("target_user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "prompt_changes" add constraint "prompt_changes_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "prompt_changes" add constraint "prompt_changes_field_check" check ("field" in ('openai_individual_prompt_id', 'openai_complete_prompt_id'));`,
    );

    this.addSql(
      `alter table "lead_scoring_models" add constraint "lead_scoring_models_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "lead_scoring_models" add constraint "lead_scoring_models_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "leads" add constraint "leads_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "leads" add constraint "leads_assigned_to_id_foreign" foreign key ("assigned_to_id") references "users" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "leads" add constraint "leads_status_check" check ("status" in ('NEW', 'CONTACTED', 'QUALIFIED', 'WON', 'LOST'));`,
    );
    this.addSql(
      `alter table "leads" add constraint "leads_complete_analysis_prompt_source_check" check ("complete_analysis_prompt_source" in ('user', 'system'));`,
    );

    this.addSql(
      `alter table "calls" add constraint "calls_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_lead_id_foreign" foreign key ("lead_id") references "leads" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_status_check" check ("status" in ('queued', 'analyzing', 'analyzed', 'failed'));`,
    );
    this.addSql(
      `alter table "calls" add constraint "calls_prompt_source_check" check ("prompt_source" in ('user', 'system'));`,
    );

    this.addSql(
      `alter table "user_ai_preferences" add constraint "user_ai_preferences_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "user_ai_preferences" add constraint "user_ai_preferences_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "user_ai_preferences" add constraint "user_ai_preferences_ai_insights_frequency_check" check ("ai_insights_frequency" in ('realtime', 'daily', 'weekly'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop constraint "users_organization_id_foreign";`);
    this.addSql(`alter table "prompt_changes" drop constraint "prompt_changes_organization_id_foreign";`);
    this.addSql(`alter table "lead_scoring_models" drop constraint "lead_scoring_models_organization_id_foreign";`);
    this.addSql(`alter table "leads" drop constraint "leads_organization_id_foreign";`);
    this.addSql(`alter table "calls" drop constraint "calls_organization_id_foreign";`);
    this.addSql(`alter table "user_ai_preferences" drop constraint "user_ai_preferences_organization_id_foreign";`);
    this.addSql(`alter table "prompt_changes" drop constraint "prompt_changes_target_user_id_foreign";`);
    this.addSql(`alter table "prompt_changes" drop constraint "prompt_changes_actor_id_foreign";`);
    this.addSql(`alter table "lead_scoring_models" drop constraint "lead_scoring_models_user_id_foreign";`);
    this.addSql(`alter table "leads" drop constraint "leads_assigned_to_id_foreign";`);
    this.addSql(`alter table "calls" drop constraint "calls_user_id_foreign";`);
    this.addSql(`alter table "user_ai_preferences" drop constraint "user_ai_preferences_user_id_foreign";`);
    this.addSql(`alter table "calls" drop constraint "calls_lead_id_foreign";`);

    this.addSql(`drop table if exists "organizations" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "prompt_changes" cascade;`);
    this.addSql(`drop table if exists "lead_scoring_models" cascade;`);
    this.addSql(`drop table if exists "leads" cascade;`);
    this.addSql(`drop table if exists "calls" cascade;`);
    this.addSql(`drop table if exists "user_ai_preferences" cascade;`);
  }
}
