// Leads: newest first, filterable by status, paginated with the API's cursor.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { LeadList } from '../api/types';
import { Empty, ErrorNote, Field, formatDate, Loading, LoadMore } from '../components/ui';
import { StatusBadge } from '../components/status-badge';
import { bandOf } from '../components/band';

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
      <div className="toolbar">
        <Field id="leads-status" label="Status">
          <select id="leads-status" value={status} onChange={(e) => setStatus(e.target.value as LeadStatus | '')}>
            <option value="">All</option>
            {LEAD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {leads.isPending ? <Loading text="Loading leads…" /> : null}
      {leads.isError ? <ErrorNote error={leads.error} prefix="Could not load leads" /> : null}
      {leads.isSuccess && items.length === 0 ? (
        <Empty>
          {status ? `No ${status} leads.` : 'No leads yet — they are created from the calls your providers deliver.'}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Lead</th>
                <th scope="col">Status</th>
                <th scope="col">Score</th>
                <th scope="col">Calls</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore
        hasMore={leads.hasNextPage}
        loading={leads.isFetchingNextPage}
        onClick={() => void leads.fetchNextPage()}
      />
    </>
  );
}
