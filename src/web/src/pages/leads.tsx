// Leads: newest first, filterable by status, paginated with the API's cursor.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import type { LeadList } from '../api/types';
import { formatDate } from '../components/ui';
import { StatusBadge } from '../components/status-badge';
import { bandOf } from '../components/band';
import { PagedTable, useCursorPages } from '../components/paged-table';
import { StatusFilter } from '../components/status-filter';

export const LEAD_STATUSES = ['NEW', 'CONTACTED', 'QUALIFIED', 'WON', 'LOST'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export function LeadsPage() {
  const [status, setStatus] = useState<LeadStatus | ''>('');
  const leads = useCursorPages(
    ['leads', status],
    (cursor): Promise<LeadList> =>
      unwrap(
        api.GET('/api/leads/', {
          params: { query: { limit: 25, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    15_000,
  );
  return (
    <>
      <h1>Leads</h1>
      <StatusFilter id="leads-status" statuses={LEAD_STATUSES} value={status} onChange={setStatus} />
      <PagedTable
        pages={leads}
        noun="leads"
        empty={
          status ? `No ${status} leads.` : 'No leads yet — they are created from the calls your providers deliver.'
        }
        columns={['Lead', 'Status', 'Score', 'Calls', 'Updated']}
        cells={(lead) => (
          <>
            <td>
              <Link to={`/leads/${lead.id}`}>{lead.name ?? lead.externalId}</Link>
            </td>
            <td>
              <StatusBadge status={lead.status} />
            </td>
            <td>{lead.score === null ? '—' : `${Math.round(lead.score * 100)}% (${bandOf(lead.score)})`}</td>
            <td>{lead.callCount}</td>
            <td>{formatDate(lead.updatedAt)}</td>
          </>
        )}
      />
    </>
  );
}
