// Admin → Audit: who did what, newest first, paginated with the API's cursor.
import { api, unwrap } from '../api/client';
import type { AuditEntry } from '../api/types';
import { AnalysisView } from '../components/analysis-view';
import { Empty, formatDate, LoadMore, QueryState } from '../components/ui';
import { AdminsOnly } from './admins-only';
import { DataTable } from '../components/data-table';
import { itemsOf, useCursorPages } from '../components/paged-table';

function AuditList() {
  const audit = useCursorPages(['audit'], (cursor) =>
    unwrap(api.GET('/api/admin/audit', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
  );
  const items: AuditEntry[] = itemsOf(audit);
  if (!audit.isSuccess)
    return <QueryState query={audit} loading="Loading audit log…" failed="The audit log is not available" />;
  if (items.length === 0)
    return <Empty>Nothing recorded yet — changes to users, prompts and integrations appear here.</Empty>;
  return (
    <>
      <DataTable columns={['When', 'Who', 'Action', 'Target', 'Details']}>
        {items.map((e) => (
          <tr key={e.id}>
            <td>{formatDate(e.at)}</td>
            <td>{e.actor?.email ?? 'system'}</td>
            <td>{e.action}</td>
            <td>{e.target ? `${e.target.type} ${e.target.id.slice(0, 8)}` : '—'}</td>
            <td>
              <AnalysisView value={e.details} />
            </td>
          </tr>
        ))}
      </DataTable>
      <LoadMore
        hasMore={audit.hasNextPage}
        loading={audit.isFetchingNextPage}
        onClick={() => void audit.fetchNextPage()}
      />
    </>
  );
}

export function AuditPage() {
  return (
    <AdminsOnly>
      <h1>Audit</h1>
      <section className="card">
        <AuditList />
      </section>
    </AdminsOnly>
  );
}
