import { Migration } from '@mikro-orm/migrations';

/**
 * Audit trail, history that outlives its actor, users removable without losing their calls, webhook secret
 * rotation with overlap, and list reads served by indexes (created_at kept to the millisecond, so the list
 * order and the cursor compare the plain column).
 */
export class Migration20261125110000_security extends Migration {
  override name = 'Migration20261125110000_security';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "audit_events" ("id" uuid not null, "organization_id" uuid not null, "actor_id" uuid null, "actor_email" varchar(320) null, "action" varchar(100) not null, "target_type" varchar(50) null, "target_id" varchar(255) null, "details" jsonb not null, "at" timestamptz(3) not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "audit_events_organization_id_at_id_index" on "audit_events" ("organization_id", "at", "id");`,
    );
    this.addSql(
      `alter table "audit_events" add constraint "audit_events_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );

    this.addSql(`alter table "prompt_changes" drop constraint "prompt_changes_actor_id_foreign";`);
    this.addSql(`alter table "prompt_changes" add column "actor_email" varchar(320) null;`);
    this.addSql(
      `update "prompt_changes" pc set "actor_email" = u."email" from "users" u where u."id" = pc."actor_id";`,
    );

    this.addSql(`alter table "organizations" alter column "webhook_secret" type varchar(255);`);
    this.addSql(
      `alter table "organizations" add column "previous_webhook_secret" varchar(255) null, add column "previous_webhook_secret_valid_until" timestamptz null;`,
    );

    this.addSql(`alter table "calls" drop constraint "calls_user_id_foreign";`);
    this.addSql(`alter table "calls" alter column "user_id" drop not null;`);
    this.addSql(
      `alter table "calls" add constraint "calls_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete set null;`,
    );
    this.addSql(`alter table "calls" alter column "created_at" type timestamptz(3);`);
    // Each list filter, then the list order (created_at, id): pages are read straight off an index, no sort.
    this.addSql(`drop index "calls_organization_id_user_id_created_at_index";`);
    this.addSql(
      `create index "calls_organization_id_user_id_created_at_id_index" on "calls" ("organization_id", "user_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "calls_organization_id_created_at_id_index" on "calls" ("organization_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "calls_organization_id_status_created_at_id_index" on "calls" ("organization_id", "status", "created_at", "id");`,
    );
    this.addSql(`create index "calls_lead_id_created_at_id_index" on "calls" ("lead_id", "created_at", "id");`);

    this.addSql(`alter table "leads" alter column "created_at" type timestamptz(3);`);
    this.addSql(
      `create index "leads_organization_id_created_at_id_index" on "leads" ("organization_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "leads_organization_id_assigned_to_id_created_at_id_index" on "leads" ("organization_id", "assigned_to_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "leads_organization_id_status_created_at_id_index" on "leads" ("organization_id", "status", "created_at", "id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "leads_organization_id_status_created_at_id_index";`);
    this.addSql(`drop index "leads_organization_id_assigned_to_id_created_at_id_index";`);
    this.addSql(`drop index "leads_organization_id_created_at_id_index";`);
    this.addSql(`alter table "leads" alter column "created_at" type timestamptz;`);
    this.addSql(`drop index "calls_lead_id_created_at_id_index";`);
    this.addSql(`drop index "calls_organization_id_status_created_at_id_index";`);
    this.addSql(`drop index "calls_organization_id_created_at_id_index";`);
    this.addSql(`drop index "calls_organization_id_user_id_created_at_id_index";`);
    this.addSql(
      `create index "calls_organization_id_user_id_created_at_index" on "calls" ("organization_id", "user_id", "created_at");`,
    );
    this.addSql(`alter table "calls" alter column "created_at" type timestamptz;`);
    this.addSql(`alter table "calls" drop constraint "calls_user_id_foreign";`);
    this.addSql(`delete from "calls" where "user_id" is null;`);
    this.addSql(`alter table "calls" alter column "user_id" set not null;`);
    this.addSql(
      `alter table "calls" add constraint "calls_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "organizations" drop column "previous_webhook_secret", drop column "previous_webhook_secret_valid_until";`,
    );
    this.addSql(
      `delete from "prompt_changes" pc where not exists (select 1 from "users" u where u."id" = pc."actor_id");`,
    );
    this.addSql(`alter table "prompt_changes" drop column "actor_email";`);
    this.addSql(
      `alter table "prompt_changes" add constraint "prompt_changes_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(`drop table if exists "audit_events" cascade;`);
  }
}
