import { Migration } from '@mikro-orm/migrations';

// A model version's training and holdout lead ids as uuid arrays (16 bytes an id) instead of JSON arrays of
// strings: every weekly run writes one version per user, so the version rows are most of what it stores.
// The order of the ids is kept.
const TABLE = '"lead_scoring_models"';
const COLUMNS = ['training_lead_ids', 'holdout_lead_ids'] as const;

export class Migration20261126010000_model_lead_ids extends Migration {
  override name = 'Migration20261126010000_model_lead_ids';

  override up(): void | Promise<void> {
    this.convert(
      'uuid[]',
      (column) =>
        `array(select e::uuid from jsonb_array_elements_text("${column}") with ordinality as t(e, n) order by n)`,
    );
  }

  override down(): void | Promise<void> {
    this.convert('jsonb', (column) => `to_jsonb("${column}")`);
  }

  /** Through a new column each: a column's USING expression may not hold a subquery. */
  private convert(type: string, from: (column: string) => string): void {
    const next = (column: string) => `${column}_next`;
    this.addSql(`alter table ${TABLE} ${COLUMNS.map((c) => `add "${next(c)}" ${type} null`).join(', ')};`);
    this.addSql(`update ${TABLE} set ${COLUMNS.map((c) => `"${next(c)}" = ${from(c)}`).join(', ')};`);
    this.addSql(`alter table ${TABLE} ${COLUMNS.map((c) => `drop column "${c}"`).join(', ')};`);
    for (const c of COLUMNS) this.addSql(`alter table ${TABLE} rename column "${next(c)}" to "${c}";`);
    this.addSql(`alter table ${TABLE} ${COLUMNS.map((c) => `alter column "${c}" set not null`).join(', ')};`);
  }
}
