import type { Orm } from './orm.js';

// API and worker may start together and both migrate: an advisory lock makes the second one wait.
const MIGRATION_LOCK_KEY = 727_001;

/** Applies pending committed migrations; returns their names. */
export async function migrateUp(orm: Orm): Promise<string[]> {
  return orm.em.fork().transactional(async (em) => {
    await em.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
    const applied = await orm.migrator.up();
    return applied.map((m) => m.name);
  });
}
