// Every list's order and filters are served by an index: EXPLAIN of the queries the list routes run shows an
// index scan and no sort (sequential scans are disabled so the tiny test tables do not hide the choice).
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { startStack } from '../support/harness.js';

t.test('list queries read pages straight off an index', async (t) => {
  const stack = await startStack(t, { worker: false });
  const org = randomUUID();
  const user = randomUUID();
  const lead = randomUUID();
  const page = `order by "created_at" desc, "id" desc limit 21`;
  const keyset = `("created_at", "id") < ('2026-01-01T00:00:00.000Z'::timestamptz, '${randomUUID()}'::uuid)`;
  // On empty tables the planner may pick the organization's index and filter the rest: either serves the order.
  /** The query a list route runs for the organization, narrowed by `where` when given. */
  const list = (table: string, where?: string) =>
    `select id from ${table} where organization_id = '${org}' ${where ? `and ${where} ` : ''}${page}`;
  const cases: [string, string, string | RegExp | null][] = [
    ['calls, admin', list('calls'), 'calls_organization_id_created_at_id_index'],
    ['calls, next page', list('calls', keyset), 'calls_organization_id_created_at_id_index'],
    ['calls, a user', list('calls', `user_id = '${user}'`), /calls_organization_id_(user_id_)?created_at_id_index/],
    ['calls, by status', list('calls', `status = 'failed'`), /calls_organization_id_(status_)?created_at_id_index/],
    ['calls, by lead', list('calls', `lead_id = '${lead}'`), null],
    ['leads, admin', list('leads'), 'leads_organization_id_created_at_id_index'],
    [
      'leads, a user',
      list('leads', `assigned_to_id = '${user}'`),
      /leads_organization_id_(assigned_to_id_)?created_at_id_index/,
    ],
    ['leads, by status', list('leads', `status = 'WON'`), /leads_organization_id_(status_)?created_at_id_index/],
    [
      'audit',
      `select id from audit_events where organization_id = '${org}' order by "at" desc, "id" desc limit 21`,
      'audit_events_organization_id_at_id_index',
    ],
  ];
  await stack.orm.em.fork().transactional(async (tx) => {
    await tx.getConnection().execute('set local enable_seqscan = off', [], 'run', tx.getTransactionContext());
    for (const [what, sql, index] of cases) {
      const rows = await tx
        .getConnection()
        .execute<{ 'QUERY PLAN': string }[]>(`explain ${sql}`, [], 'all', tx.getTransactionContext());
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      t.notMatch(plan, /Sort/, `${what}: no sort\n${plan}`);
      t.match(plan, index ?? /Index (Only )?Scan/, `${what}: ${String(index ?? 'an index')}`);
    }
  });
});
