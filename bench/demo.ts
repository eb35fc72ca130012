// `npm run bench:demo`: how long the first start's demo fill takes (src/demo), against the 30 s goal. A scratch
// database on TEST_DATABASE_URL's server (default: the local PostgreSQL), migrated, filled once, dropped.
import { loadConfig } from '../src/config.js';
import { createOrm } from '../src/db/orm.js';
import { migrateUp } from '../src/db/migrate.js';
import { fillDemo } from '../src/demo/fill.js';
import { dropDatabase, withServer } from '../test/support/databases.js';

const GOAL_SECONDS = 30;
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `callsense_bench_demo_${Date.now().toString(36)}_${process.pid}`;
await withServer(serverUrl, (client) => client.query(`create database "${database}"`));
const url = new URL(`/${database}`, serverUrl).toString();
const orm = await createOrm(url);
try {
  await migrateUp(orm);
  const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: url, LOG_LEVEL: 'silent' }, { dotenv: false });
  const fill = await fillDemo(orm, config);
  if (fill.status !== 'created') throw new Error(`expected a new demo organization, got ${fill.status}`);
  const { summary, seconds } = fill;
  console.log(
    `demo fill: ${seconds.toFixed(1)} s (goal < ${GOAL_SECONDS} s: ${seconds < GOAL_SECONDS ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  ${summary.leads} leads (${summary.won} WON, ${summary.lost} LOST), ${summary.calls} calls, ` +
      `experiment verdict ${summary.verdict}`,
  );
  for (const model of summary.models)
    console.log(`  active model ${model.userId ?? 'organization'} v${model.version}: AUC ${model.auc?.toFixed(3)}`);
  if (seconds >= GOAL_SECONDS) process.exitCode = 1;
} finally {
  await orm.close();
  await withServer(serverUrl, (client) => dropDatabase(client, database));
}
