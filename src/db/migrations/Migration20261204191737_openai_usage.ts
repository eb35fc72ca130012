import { Migration } from '@mikro-orm/migrations';

// Each organization's OpenAI use per UTC day: the daily token budget and /admin/usage read it.

export class Migration20261204191737_openai_usage extends Migration {
  override name = 'Migration20261204191737_openai_usage';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "openai_usage_days" ("organization_id" uuid not null, "day" varchar(10) not null, "input_tokens" bigint not null default '0', "output_tokens" bigint not null default '0', "cost_usd" double precision not null default 0, primary key ("organization_id", "day"));`,
    );

    this.addSql(
      `alter table "openai_usage_days" add constraint "openai_usage_days_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "openai_usage_days" cascade;`);
  }
}
