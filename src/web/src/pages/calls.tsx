// Calls: newest first, filterable by status, paginated with the API's cursor. While a call is still being
// analysed the list refreshes itself, so its status changes without a reload.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { CallList } from '../api/types';
import { Empty, ErrorNote, formatDate, Loading, LoadMore } from '../components/ui';
import { StatusBadge } from '../components/status-badge';
import { DataTable } from '../components/data-table';
import { StatusFilter } from '../components/status-filter';

const STATUSES = ['queued', 'analyzing', 'analyzed', 'failed'] as const;
type Status = (typeof STATUSES)[number];
const PAGE = 25;

export function CallsPage() {
  const [status, setStatus] = useState<Status | ''>('');
  const calls = useInfiniteQuery({
    queryKey: ['calls', status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }): Promise<CallList> =>
      unwrap(
        api.GET('/api/calls/', {
          params: {
            query: { limit: PAGE, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last: CallList) => last.nextCursor ?? undefined,
    refetchInterval: (query) => {
      const pending = query.state.data?.pages.some((p) =>
        p.items.some((c) => c.status === 'queued' || c.status === 'analyzing'),
      );
      return pending ? 1500 : 10_000;
    },
  });
  const items = calls.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <h1>Calls</h1>
      <StatusFilter id="calls-status" statuses={STATUSES} value={status} onChange={setStatus} />
      {calls.isPending ? <Loading text="Loading calls…" /> : null}
      {calls.isError ? <ErrorNote error={calls.error} prefix="Could not load calls" /> : null}
      {calls.isSuccess && items.length === 0 ? (
        <Empty>
          {status
            ? `No ${status} calls.`
            : 'No calls yet — connect Retell or Vapi under Integrations, or post calls to the webhook.'}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <DataTable columns={['Call', 'Status', 'Source', 'Prompt', 'Received']}>
          {items.map((call) => (
            <tr key={call.id}>
              <td>
                <Link to={`/calls/${call.id}`}>{call.callId}</Link>
              </td>
              <td>
                <StatusBadge status={call.status} />
              </td>
              <td>{call.source ?? 'callsense'}</td>
              <td>{call.promptSource ?? '—'}</td>
              <td>{formatDate(call.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <LoadMore
        hasMore={calls.hasNextPage}
        loading={calls.isFetchingNextPage}
        onClick={() => void calls.fetchNextPage()}
      />
    </>
  );
}
