// Calls: newest first, filterable by status, paginated with the API's cursor. While a call is still being
// analysed the list refreshes itself, so its status changes without a reload.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import type { CallList } from '../api/types';
import { formatDate } from '../components/ui';
import { StatusBadge } from '../components/status-badge';
import { PagedTable, useCursorPages } from '../components/paged-table';
import { StatusFilter } from '../components/status-filter';

const STATUSES = ['queued', 'analyzing', 'analyzed', 'failed'] as const;
type Status = (typeof STATUSES)[number];
const PAGE = 25;

export function CallsPage() {
  const [status, setStatus] = useState<Status | ''>('');
  const calls = useCursorPages(
    ['calls', status],
    (cursor): Promise<CallList> =>
      unwrap(
        api.GET('/api/calls/', {
          params: { query: { limit: PAGE, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    (pages) => {
      const pending = pages.some((p) => p.items.some((c) => c.status === 'queued' || c.status === 'analyzing'));
      return pending ? 1500 : 10_000;
    },
  );

  return (
    <>
      <h1>Calls</h1>
      <StatusFilter id="calls-status" statuses={STATUSES} value={status} onChange={setStatus} />
      <PagedTable
        pages={calls}
        noun="calls"
        empty={
          status
            ? `No ${status} calls.`
            : 'No calls yet — connect Retell or Vapi under Integrations, or post calls to the webhook.'
        }
        columns={['Call', 'Status', 'Source', 'Prompt', 'Received']}
        cells={(call) => (
          <>
            <td>
              <Link to={`/calls/${call.id}`}>{call.callId}</Link>
            </td>
            <td>
              <StatusBadge status={call.status} />
            </td>
            <td>{call.source ?? 'callsense'}</td>
            <td>{call.promptSource ?? '—'}</td>
            <td>{formatDate(call.createdAt)}</td>
          </>
        )}
      />
    </>
  );
}
