import { Migration } from '@mikro-orm/migrations';

// The demo organization that a first `npm start` fills (src/demo) is marked, so the console can say so and a
// restart finds it instead of filling another.

export class Migration20261204191949_demo extends Migration {
  override name = 'Migration20261204191949_demo';

  override up(): void | Promise<void> {
    this.addSql(`alter table "organizations" add "demo" boolean not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "organizations" drop column "demo";`);
  }
}
