// Loads a set of leads with everything their features need in one statement: each lead's complete analysis
// and its calls summed up by PostgreSQL (count, talk time, first and last call), so training and
// re-scoring never fetch call rows. Raw SQL, so the em's tenant and visibility filters are applied here
// by hand, and it fails closed the same way: no tenant parameters, no query.
import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER, VISIBILITY_FILTER, type TenantParams, type VisibilityParams } from '../tenancy/filters.js';
import { leadFeatures, type Features } from './features.js';

const CLOSED_STATUSES = `('WON', 'LOST')`;

export interface LeadSelection {
  organizationId: string;
  /** WON/LOST leads (training data), or the open ones (to be scored). */
  closed: boolean;
  /** Only the leads assigned to this user. */
  assignedTo?: string;
  /** Only unassigned leads and those of users not listed (the organization model's leads). */
  notAssignedTo?: readonly string[];
  /** Lock the leads (FOR UPDATE) until the transaction ends. */
  lock?: boolean;
}

export interface LeadRow {
  id: string;
  status: string;
  score: number | null;
  scoreModelVersion: number | null;
  scoreScope: string | null;
  features: Features;
}

interface RawRow {
  id: string;
  status: string;
  score: number | string | null;
  score_model_version: number | null;
  score_scope: string | null;
  complete_analysis: unknown;
  call_count: number;
  talk_seconds: number | string;
  first_at: Date | string | null;
  last_at: Date | string | null;
}

const uuidList = (ids: readonly string[]) => `{${ids.join(',')}}`;
const asDate = (value: Date | string | null) =>
  value === null ? null : value instanceof Date ? value : new Date(value);

/** The em's tenant and viewer, as its filters would apply them; throws without a tenant (fail closed). */
function scopeOf(em: EntityManager, organizationId: string): { viewerId: string | null } {
  const tenant = em.getFilterParams<TenantParams>(TENANT_FILTER) as TenantParams | undefined;
  if (!tenant?.organizationId) throw new Error('Tenant filter used without an organizationId');
  if (tenant.organizationId !== organizationId) throw new Error('Leads of another organization were asked for');
  const viewer = em.getFilterParams<VisibilityParams>(VISIBILITY_FILTER) as VisibilityParams | undefined;
  if (!viewer?.userId || !viewer.role) throw new Error('Visibility filter used without a user');
  return { viewerId: viewer.role === 'admin' ? null : viewer.userId };
}

/** The selected leads in id order, each with its feature vector. `em` is scoped to the organization (tenantEm). */
export async function loadLeadRows(em: EntityManager, selection: LeadSelection): Promise<LeadRow[]> {
  const { organizationId } = selection;
  const { viewerId } = scopeOf(em, organizationId);
  const callConditions = ['c.lead_id = l.id', 'c.organization_id = ?'];
  const callParams: unknown[] = [organizationId];
  if (viewerId) {
    callConditions.push('c.user_id = ?');
    callParams.push(viewerId);
  }
  const conditions = ['l.organization_id = ?', `l.status ${selection.closed ? 'in' : 'not in'} ${CLOSED_STATUSES}`];
  const params: unknown[] = [organizationId];
  if (viewerId) {
    conditions.push('l.assigned_to_id = ?');
    params.push(viewerId);
  }
  if (selection.assignedTo) {
    conditions.push('l.assigned_to_id = ?');
    params.push(selection.assignedTo);
  }
  if (selection.notAssignedTo && selection.notAssignedTo.length > 0) {
    conditions.push('(l.assigned_to_id is null or l.assigned_to_id <> all(?::uuid[]))');
    params.push(uuidList(selection.notAssignedTo));
  }
  // A talk time counts only when it is a positive finite number (NaN sorts above Infinity in PostgreSQL).
  const rows = await em.execute<RawRow[]>(
    `select l.id, l.status, l.score, l.score_model_version, l.score_scope, l.complete_analysis,
            c.call_count, c.talk_seconds, c.first_at, c.last_at
       from leads l
       cross join lateral (
         select count(*)::int as call_count,
                coalesce(sum(c.duration_seconds) filter (
                  where c.duration_seconds > 0 and c.duration_seconds < 'Infinity'::float8), 0) as talk_seconds,
                min(coalesce(c.started_at, c.created_at)) as first_at,
                max(coalesce(c.started_at, c.created_at)) as last_at
           from calls c where ${callConditions.join(' and ')}
       ) c
      where ${conditions.join(' and ')}
      order by l.id${selection.lock ? ' for update of l' : ''}`,
    [...callParams, ...params],
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    score: row.score === null ? null : Number(row.score),
    scoreModelVersion: row.score_model_version,
    scoreScope: row.score_scope,
    features: leadFeatures(row.complete_analysis, {
      count: row.call_count,
      talkSeconds: Number(row.talk_seconds),
      firstAt: asDate(row.first_at),
      lastAt: asDate(row.last_at),
    }),
  }));
}
