import { Migration } from '@mikro-orm/migrations';

export class Migration20261125130000_integrations extends Migration {
  override name = 'Migration20261125130000_integrations';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "integrations" ("id" uuid not null, "organization_id" uuid not null, "provider" text not null, "credential_sealed" text not null, "credential_last4" varchar(4) not null, "default_user_id" uuid null, "user_map" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "integrations_organization_id_index" on "integrations" ("organization_id");`);
    this.addSql(
      `alter table "integrations" add constraint "integrations_organization_id_provider_unique" unique ("organization_id", "provider");`,
    );
    this.addSql(
      `alter table "integrations" add constraint "integrations_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "integrations" add constraint "integrations_provider_check" check ("provider" in ('retell', 'vapi'));`,
    );
    this.addSql(
      `alter table "integrations" add constraint "integrations_default_user_id_foreign" foreign key ("default_user_id") references "users" ("id") on delete set null;`,
    );

    this.addSql(`alter table "calls" add column "source" text not null default 'callsense';`);
    this.addSql(
      `alter table "calls" add constraint "calls_source_check" check ("source" in ('callsense', 'retell', 'vapi'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "calls" drop column "source";`);
    this.addSql(`drop table if exists "integrations" cascade;`);
  }
}
