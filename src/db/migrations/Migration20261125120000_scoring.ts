import { Migration } from '@mikro-orm/migrations';

// Scoring you can trust: run outcomes, score history, the organization's pooled model, calibration metrics,
// and the original timestamps. Existing rows are brought to the new meanings (see the updates below).
export class Migration20261125120000_scoring extends Migration {
  override name = 'Migration20261125120000_scoring';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "scoring_runs" ("id" uuid not null, "organization_id" uuid not null, "user_id" uuid null, "scope" text not null, "outcome" text not null, "reason" text not null, "version" int null, "won" int null, "lost" int null, "at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "scoring_runs_organization_id_index" on "scoring_runs" ("organization_id");`);
    this.addSql(
      `create index "scoring_runs_organization_id_user_id_at_index" on "scoring_runs" ("organization_id", "user_id", "at");`,
    );

    this.addSql(
      `create table "lead_score_history" ("id" uuid not null, "organization_id" uuid not null, "lead_id" uuid not null, "score" double precision not null, "model_version" int not null, "scope" text not null, "cause" text not null, "at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "lead_score_history_organization_id_index" on "lead_score_history" ("organization_id");`);
    this.addSql(`create index "lead_score_history_lead_id_at_index" on "lead_score_history" ("lead_id", "at");`);

    this.addSql(
      `alter table "lead_scoring_models" add "scope" text not null default 'user', add "brier_score" double precision null, add "log_loss" double precision null, add "band_win_rates" jsonb null, add "holdout_count" int not null default 0, add "training_fingerprint" varchar(64) null, add "activation_reason" text null, add "created_at" timestamptz null, add "updated_at" timestamptz null;`,
    );
    // trainingDataCount used to count the training split only; it now counts every WON/LOST lead used.
    this.addSql(
      `update "lead_scoring_models" set "holdout_count" = jsonb_array_length("holdout_lead_ids"), "training_data_count" = jsonb_array_length("training_lead_ids") + jsonb_array_length("holdout_lead_ids"), "created_at" = "trained_at", "updated_at" = "trained_at";`,
    );
    this.addSql(
      `alter table "lead_scoring_models" alter column "created_at" set not null, alter column "updated_at" set not null;`,
    );
    this.addSql(`alter table "lead_scoring_models" alter column "user_id" drop not null;`);
    this.addSql(
      `create unique index "lead_scoring_models_organization_pooled_version_unique" on "lead_scoring_models" ("organization_id", "version") where "user_id" is null;`,
    );
    this.addSql(
      `alter table "lead_scoring_models" add constraint "lead_scoring_models_scope_check" check ("scope" in ('user', 'organization'));`,
    );

    this.addSql(
      `alter table "leads" add "score_scope" text null, add "scored_at" timestamptz null, add "score_explanation" jsonb null;`,
    );
    this.addSql(
      `alter table "leads" add constraint "leads_score_scope_check" check ("score_scope" in ('user', 'organization'));`,
    );
    // Scores so far all came from users' own models.
    this.addSql(
      `update "leads" set "score_scope" = 'user', "scored_at" = "updated_at" where "score_model_version" is not null;`,
    );

    this.addSql(`alter table "user_ai_preferences" add "created_at" timestamptz null;`);
    this.addSql(`update "user_ai_preferences" set "created_at" = "updated_at";`);
    this.addSql(`alter table "user_ai_preferences" alter column "created_at" set not null;`);

    this.addSql(
      `alter table "scoring_runs" add constraint "scoring_runs_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "scoring_runs" add constraint "scoring_runs_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "scoring_runs" add constraint "scoring_runs_scope_check" check ("scope" in ('user', 'organization'));`,
    );
    this.addSql(
      `alter table "scoring_runs" add constraint "scoring_runs_outcome_check" check ("outcome" in ('activated', 'kept-active', 'unchanged', 'insufficient-data', 'failed'));`,
    );

    this.addSql(
      `alter table "lead_score_history" add constraint "lead_score_history_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "lead_score_history" add constraint "lead_score_history_lead_id_foreign" foreign key ("lead_id") references "leads" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "lead_score_history" add constraint "lead_score_history_scope_check" check ("scope" in ('user', 'organization'));`,
    );
    this.addSql(
      `alter table "lead_score_history" add constraint "lead_score_history_cause_check" check ("cause" in ('analysis', 'retrain', 'activation'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "scoring_runs" cascade;`);
    this.addSql(`drop table if exists "lead_score_history" cascade;`);

    this.addSql(`delete from "lead_scoring_models" where "user_id" is null;`);
    this.addSql(`update "lead_scoring_models" set "training_data_count" = jsonb_array_length("training_lead_ids");`);
    this.addSql(`drop index "lead_scoring_models_organization_pooled_version_unique";`);
    this.addSql(`alter table "lead_scoring_models" drop constraint "lead_scoring_models_scope_check";`);
    this.addSql(
      `alter table "lead_scoring_models" drop column "scope", drop column "brier_score", drop column "log_loss", drop column "band_win_rates", drop column "holdout_count", drop column "training_fingerprint", drop column "activation_reason", drop column "created_at", drop column "updated_at";`,
    );
    this.addSql(`alter table "lead_scoring_models" alter column "user_id" set not null;`);

    this.addSql(`alter table "leads" drop constraint "leads_score_scope_check";`);
    this.addSql(
      `alter table "leads" drop column "score_scope", drop column "scored_at", drop column "score_explanation";`,
    );

    this.addSql(`alter table "user_ai_preferences" drop column "created_at";`);
  }
}
