import { Migration } from '@mikro-orm/migrations';

export class Migration20261204190133_events extends Migration {
  override name = 'Migration20261204190133_events';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "event_endpoints" ("id" uuid not null, "organization_id" uuid not null, "url" varchar(2048) not null, "events" jsonb not null, "description" varchar(500) null, "enabled" boolean not null default true, "secret_sealed" text not null, "failing_since" timestamptz null, "created_at" timestamptz(3) not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "event_endpoints_organization_id_index" on "event_endpoints" ("organization_id");`);

    this.addSql(
      `create table "event_deliveries" ("id" uuid not null, "organization_id" uuid not null, "endpoint_id" uuid not null, "type" text not null, "fact_key" varchar(700) not null, "stream" varchar(64) not null, "seq" bigserial, "payload" jsonb not null, "status" text not null default 'pending', "attempts" int not null default 0, "round_attempts" int not null default 0, "last_status_code" int null, "last_error" varchar(500) null, "next_attempt_at" timestamptz null, "dispatched_at" timestamptz null, "created_at" timestamptz(3) not null, "delivered_at" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "event_deliveries_organization_id_index" on "event_deliveries" ("organization_id");`);
    this.addSql(
      `create index "event_deliveries_endpoint_id_created_at_id_index" on "event_deliveries" ("endpoint_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "event_deliveries_endpoint_id_stream_status_seq_index" on "event_deliveries" ("endpoint_id", "stream", "status", "seq");`,
    );
    this.addSql(`create index "event_deliveries_dispatched_at_index" on "event_deliveries" ("dispatched_at");`);
    this.addSql(
      `create index "event_deliveries_status_next_attempt_at_index" on "event_deliveries" ("status", "next_attempt_at");`,
    );
    this.addSql(
      `alter table "event_deliveries" add constraint "event_deliveries_endpoint_id_fact_key_unique" unique ("endpoint_id", "fact_key");`,
    );

    this.addSql(
      `alter table "event_endpoints" add constraint "event_endpoints_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "event_deliveries" add constraint "event_deliveries_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "event_deliveries" add constraint "event_deliveries_endpoint_id_foreign" foreign key ("endpoint_id") references "event_endpoints" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "event_deliveries" add constraint "event_deliveries_type_check" check ("type" in ('call.analyzed', 'call.failed', 'lead.analysis.updated', 'lead.scored', 'ping'));`,
    );
    this.addSql(
      `alter table "event_deliveries" add constraint "event_deliveries_status_check" check ("status" in ('pending', 'delivered', 'failed'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "event_deliveries" drop constraint "event_deliveries_endpoint_id_foreign";`);

    this.addSql(`drop table if exists "event_endpoints" cascade;`);
    this.addSql(`drop table if exists "event_deliveries" cascade;`);
  }
}
