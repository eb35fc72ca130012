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
  const cases: [string, string, string | RegExp | null][] = [
    [
      'calls, admin',
      `select id from calls where organization_id = '${org}' ${page}`,
      'calls_organization_id_created_at_id_index',
    ],
    [
      'calls, next page',
      `select id from calls where organization_id = '${org}' and ${keyset} ${page}`,
      'calls_organization_id_created_at_id_index',
    ],
    [
      'calls, a user',
      `select id from calls where organization_id = '${org}' and user_id = '${user}' ${page}`,
      /calls_organization_id_(user_id_)?created_at_id_index/,
    ],
    [
      'calls, by status',
      `select id from calls where organization_id = '${org}' and status = 'failed' ${page}`,
      /calls_organization_id_(status_)?created_at_id_index/,
    ],
    ['calls, by lead', `select id from calls where organization_id = '${org}' and lead_id = '${lead}' ${page}`, null],
    [
      'leads, admin',
      `select id from leads where organization_id = '${org}' ${page}`,
      'leads_organization_id_created_at_id_index',
    ],
    [
      'leads, a user',
      `select id from leads where organization_id = '${org}' and assigned_to_id = '${user}' ${page}`,
      /leads_organization_id_(assigned_to_id_)?created_at_id_index/,
    ],
    [
      'leads, by status',
      `select id from leads where organization_id = '${org}' and status = 'WON' ${page}`,
      /leads_organization_id_(status_)?created_at_id_index/,
    ],
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
