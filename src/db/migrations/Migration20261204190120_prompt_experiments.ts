import { Migration } from '@mikro-orm/migrations';

// Prompt experiments and their items (each arm's analyses and folds), kept apart from production's tables.

export class Migration20261204190120_prompt_experiments extends Migration {
  override name = 'Migration20261204190120_prompt_experiments';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "prompt_experiments" ("id" uuid not null, "organization_id" uuid not null, "prompt_id" varchar(70) not null, "kind" text not null, "baseline_version" int not null, "candidate_version" int not null, "since" timestamptz null, "until" timestamptz null, "max_leads" int not null, "service_tier" text not null, "fold_prompt_id" varchar(70) null, "fold_prompt_version" int null, "status" text not null default 'running', "total" int not null default 0, "results" jsonb null, "error" text null, "workflow_id" varchar(300) not null, "created_by_id" uuid null, "created_by_email" varchar(320) null, "created_at" timestamptz not null, "completed_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "prompt_experiments_organization_id_index" on "prompt_experiments" ("organization_id");`);
    this.addSql(
      `create index "prompt_experiments_organization_id_prompt_id_created_at_index" on "prompt_experiments" ("organization_id", "prompt_id", "created_at");`,
    );

    this.addSql(
      `create table "experiment_items" ("id" uuid not null, "organization_id" uuid not null, "experiment_id" uuid not null, "key" varchar(120) not null, "arm" text not null, "kind" text not null, "call_id" uuid null, "lead_id" uuid not null, "status" text not null default 'pending', "reused" boolean not null default false, "analysis" jsonb null, "valid" boolean null, "error" text null, "model" varchar(128) null, "input_tokens" int null, "output_tokens" int null, "latency_ms" int null, "attempts" int not null default 0, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "experiment_items_organization_id_index" on "experiment_items" ("organization_id");`);
    this.addSql(
      `create index "experiment_items_experiment_id_status_index" on "experiment_items" ("experiment_id", "status");`,
    );
    this.addSql(
      `alter table "experiment_items" add constraint "experiment_items_experiment_id_key_unique" unique ("experiment_id", "key");`,
    );

    this.addSql(
      `alter table "prompt_experiments" add constraint "prompt_experiments_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "prompt_experiments" add constraint "prompt_experiments_kind_check" check ("kind" in ('individual', 'complete'));`,
    );
    this.addSql(
      `alter table "prompt_experiments" add constraint "prompt_experiments_service_tier_check" check ("service_tier" in ('flex', 'default'));`,
    );
    this.addSql(
      `alter table "prompt_experiments" add constraint "prompt_experiments_status_check" check ("status" in ('running', 'completed', 'failed', 'cancelled'));`,
    );

    this.addSql(
      `alter table "experiment_items" add constraint "experiment_items_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "experiment_items" add constraint "experiment_items_experiment_id_foreign" foreign key ("experiment_id") references "prompt_experiments" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "experiment_items" add constraint "experiment_items_arm_check" check ("arm" in ('baseline', 'candidate'));`,
    );
    this.addSql(
      `alter table "experiment_items" add constraint "experiment_items_kind_check" check ("kind" in ('individual', 'complete'));`,
    );
    this.addSql(
      `alter table "experiment_items" add constraint "experiment_items_status_check" check ("status" in ('pending', 'done', 'failed'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "experiment_items" drop constraint "experiment_items_experiment_id_foreign";`);

    this.addSql(`drop table if exists "prompt_experiments" cascade;`);
    this.addSql(`drop table if exists "experiment_items" cascade;`);
  }
}
