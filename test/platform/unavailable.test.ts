// Which errors mean "a backing service is not there right now" (→ 503 + Retry-After), from real drivers.
import t from 'tap';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { unavailableDependency } from '../../src/api/plugins/unavailable.js';
import { createOrm } from '../../src/db/orm.js';
import { freePort } from '../support/free-port.js';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

t.test('node-postgres and ORM connection failures are PostgreSQL being unavailable', async (t) => {
  const port = await freePort(); // nothing listens there
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/x` });
  const refused = await caught(client.connect());
  t.equal(unavailableDependency(refused), 'PostgreSQL', 'connection refused');

  const orm = await createOrm(`postgres://postgres:postgres@127.0.0.1:${port}/x`, { connect: false } as never);
  t.teardown(() => orm.close());
  const viaOrm = await caught(orm.em.getConnection().execute('select 1'));
  t.equal(unavailableDependency(viaOrm), 'PostgreSQL', 'the ORM passes the driver error through');

  t.equal(
    unavailableDependency(
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ),
    'PostgreSQL',
  );
  t.equal(
    unavailableDependency(Object.assign(new Error('the database system is starting up'), { code: '57P03' })),
    'PostgreSQL',
  );
  t.equal(unavailableDependency(new Error('timeout exceeded when trying to connect')), 'PostgreSQL', 'pool timeout');
  t.equal(unavailableDependency(Object.assign(new Error('duplicate key'), { code: '23505' })), undefined);
  t.equal(unavailableDependency(new Error('something else')), undefined);
});

t.test('Temporal UNAVAILABLE / DEADLINE_EXCEEDED are Temporal being unavailable', async (t) => {
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 });
  t.teardown(() => connection.close());
  const client = new Client({ connection });
  const error = await caught(
    connection.withDeadline(Date.now() + 2_000, () => client.workflowService.getSystemInfo({})),
  );
  t.equal(unavailableDependency(error), 'Temporal', String(error));
  t.equal(
    unavailableDependency(Object.assign(new Error('deadline'), { code: 4, details: '', metadata: {} })),
    'Temporal',
  );
});
