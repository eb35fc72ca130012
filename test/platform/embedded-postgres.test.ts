// The embedded PostgreSQL starts from a private (0700) folder, even as root; failures are clear messages.
import t, { type Test } from 'tap';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres.js';
import { processAlive } from '../../src/platform/processes.js';
import { freePort } from '../support/free-port.js';

async function privateFolder(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'callsense-private-'));
  await chmod(dir, 0o700);
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

t.test('starts with its data folder inside a 0700 folder, keeps data across restarts', async (t) => {
  const dir = await privateFolder(t);
  t.equal((await stat(dir)).mode & 0o777, 0o700, 'the folder is private');
  const server = await startEmbeddedPostgres({ dir: join(dir, 'data', 'postgres'), port: await freePort() });
  t.teardown(async () => {
    await server.stop();
    await rm(server.dataDir, { recursive: true, force: true });
  });
  await server.createDatabase('callsense');
  await query(server.urlFor('callsense'), 'create table kept (v int); insert into kept values (42)');
  await server.stop();
  await server.start();
  t.same(await query(server.urlFor('callsense'), 'select v from kept'), [{ v: 42 }], 'data survives a restart');
});

t.test('a leftover server of the same data folder (a crash) is stopped, not left running', async (t) => {
  const dir = await privateFolder(t);
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port });
  const leftover = first.pid()!;
  t.ok(processAlive(leftover));
  const second = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port, persistent: false });
  t.teardown(() => second.stop());
  t.notOk(processAlive(leftover), 'the earlier server was stopped');
  t.not(second.pid(), leftover);
  t.same(await query(second.serverUrl, 'select 1 as one'), [{ one: 1 }]);
});

t.test('a port taken by another program is a clear error naming the fix', async (t) => {
  const dir = await privateFolder(t);
  const other = createServer((s) => s.destroy());
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => other.close(r)));
  const port = (other.address() as { port: number }).port;
  await t.rejects(
    startEmbeddedPostgres({ dir: join(dir, 'pg'), port, persistent: false }),
    /port \d+ is in use by a program that this data folder did not start.*EMBEDDED_POSTGRES_PORT/,
  );
});
