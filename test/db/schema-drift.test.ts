// The migrations and the entity metadata describe the same schema: on a freshly migrated database the ORM
// finds nothing to change. A changed entity without its migration (or the reverse) fails here.
import t from 'tap';
import { createOrm } from '../../src/db/orm.js';
import { cloneTemplateDatabase } from '../support/databases.js';

t.test('the migrated schema matches the entities', async (t) => {
  const serverUrl = process.env.CALLSENSE_TEST_DB_SERVER_URL;
  const template = process.env.CALLSENSE_TEST_DB_TEMPLATE;
  const runId = process.env.CALLSENSE_TEST_RUN_ID;
  if (!serverUrl || !template || !runId)
    throw new Error('run the tests with `npm test` (test/run.ts sets up the services)');
  const database = await cloneTemplateDatabase(serverUrl, template, `callsense_test_${runId}_${process.pid}_drift`);
  const orm = await createOrm(database.url, { pool: { min: 0, max: 2 } });
  t.teardown(async () => {
    await orm.close();
    await database.drop();
  });
  const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false });
  t.equal(sql.trim(), '', 'no schema change needed');
});
