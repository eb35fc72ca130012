// Leads: newest first, filterable by status, paginated with the API's cursor.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { LeadList } from '../api/types';
import { Empty, ErrorNote, formatDate, Loading, LoadMore } from '../components/ui';
import { StatusBadge } from '../components/status-badge';
import { bandOf } from '../components/band';
import { DataTable } from '../components/data-table';
import { StatusFilter } from '../components/status-filter';

export const LEAD_STATUSES = ['NEW', 'CONTACTED', 'QUALIFIED', 'WON', 'LOST'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export function LeadsPage() {
  const [status, setStatus] = useState<LeadStatus | ''>('');
  const leads = useInfiniteQuery({
    queryKey: ['leads', status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/leads/', {
          params: { query: { limit: 25, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last: LeadList) => last.nextCursor ?? undefined,
    refetchInterval: 15_000,
  });
  const items = leads.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <h1>Leads</h1>
      <StatusFilter id="leads-status" statuses={LEAD_STATUSES} value={status} onChange={setStatus} />
      {leads.isPending ? <Loading text="Loading leads…" /> : null}
      {leads.isError ? <ErrorNote error={leads.error} prefix="Could not load leads" /> : null}
      {leads.isSuccess && items.length === 0 ? (
        <Empty>
          {status ? `No ${status} leads.` : 'No leads yet — they are created from the calls your providers deliver.'}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <DataTable columns={['Lead', 'Status', 'Score', 'Calls', 'Updated']}>
          {items.map((lead) => (
            <tr key={lead.id}>
              <td>
                <Link to={`/leads/${lead.id}`}>{lead.name ?? lead.externalId}</Link>
              </td>
              <td>
                <StatusBadge status={lead.status} />
              </td>
              <td>{lead.score === null ? '—' : `${Math.round(lead.score * 100)}% (${bandOf(lead.score)})`}</td>
              <td>{lead.callCount}</td>
              <td>{formatDate(lead.updatedAt)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <LoadMore
        hasMore={leads.hasNextPage}
        loading={leads.isFetchingNextPage}
        onClick={() => void leads.fetchNextPage()}
      />
    </>
  );
}
