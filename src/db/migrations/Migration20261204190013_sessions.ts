import { Migration } from '@mikro-orm/migrations';

// Sessions that end before their tokens expire (logout: revoked token ids; a password change: the user's token
// version) and failed logins counted in the database, shared by every API process.

export class Migration20261204190013_sessions extends Migration {
  override name = 'Migration20261204190013_sessions';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "login_failures" ("key" varchar(400) not null, "failures" int not null, "window_started_at" timestamptz not null, "strikes" int not null, "blocked_until" timestamptz null, "last_failure_at" timestamptz not null, primary key ("key"));`,
    );
    this.addSql(`create index "login_failures_last_failure_at_index" on "login_failures" ("last_failure_at");`);

    this.addSql(
      `create table "revoked_tokens" ("jti" uuid not null, "user_id" uuid not null, "expires_at" timestamptz not null, primary key ("jti"));`,
    );
    this.addSql(`create index "revoked_tokens_expires_at_index" on "revoked_tokens" ("expires_at");`);

    this.addSql(
      `alter table "users" add "token_version" int not null default 0, add "password_changed_by_token_id" uuid null;`,
    );

    this.addSql(
      `alter table "revoked_tokens" add constraint "revoked_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "login_failures" cascade;`);
    this.addSql(`drop table if exists "revoked_tokens" cascade;`);

    this.addSql(`alter table "users" drop column "token_version", drop column "password_changed_by_token_id";`);
  }
}
