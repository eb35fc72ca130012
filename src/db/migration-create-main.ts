// Writes a new migration for the difference between the entities and the database at DATABASE_URL
// (default: a scratch database on the local server, brought up to date first).
import { createOrm } from './orm.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/callsense_migrations';
const orm = await createOrm(url);
try {
  await orm.schema.ensureDatabase();
  await orm.migrator.up();
  const result = await orm.migrator.create(undefined, false, false, process.argv[2]);
  console.log(result.fileName ? `wrote ${result.fileName}; add it to src/db/migrations/index.ts` : 'no changes');
} finally {
  await orm.close();
}
