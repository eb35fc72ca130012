// Stores a delivered call exactly once per (organization, callId), finding or creating its lead. Safe under
// concurrent and repeated deliveries. Starting its analysis is the caller's (src/temporal/starters.ts).
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { callWorkflowId } from '../../temporal/ids.js';
import type { CallSource, CallStatus } from './call.entity.js';
import { flattenTranscript, type TranscriptInput } from './transcript.js';

export interface CallDelivery {
  callId: string;
  userId: string;
  lead: {
    externalId: string;
    name?: string | null | undefined;
    phone?: string | null | undefined;
    email?: string | null | undefined;
  };
  transcript: TranscriptInput;
  startedAt?: string | undefined;
  durationSeconds?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** Which webhook delivered it (default `callsense`). */
  source?: CallSource | undefined;
}

export interface StoredCall {
  id: string;
  leadId: string;
  workflowId: string;
  duplicate: boolean;
  /** The stored call's status (a new call is `queued`). */
  status: CallStatus;
}

/** The delivery names a user who is not (or no longer) a user of the organization: nothing is stored. */
export class UnknownUserError extends Error {
  constructor() {
    super('userId is not a user of this organization');
    this.name = 'UnknownUserError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Taken first, in its own statement: the next statement's snapshot then sees whatever a delivery of the same
// callId that held the lock before us committed. The user check rides along (no round trip of its own).
const LOCK_AND_CHECK_USER = `select pg_advisory_xact_lock(hashtextextended(? || ':' || ?, 0)),
  exists (select 1 from users where id = ?::uuid and organization_id = ?::uuid) as known_user`;

// One statement: the stored call when the callId is known (the lead untouched), otherwise the lead found or
// created (details filled in where it had none, one more call counted) and the new call.
const STORE_CALL = `with existing as (
  select id, lead_id, workflow_id, status from calls where organization_id = ?::uuid and call_id = ?
), lead as (
  insert into leads (id, organization_id, external_id, name, phone, email, status, assigned_to_id, call_count,
    created_at, updated_at)
  select ?::uuid, ?::uuid, ?, ?, ?, ?, 'NEW', ?::uuid, 1, now(), now() where not exists (select 1 from existing)
  on conflict (organization_id, external_id) do update set
    name = coalesce(excluded.name, leads.name),
    phone = coalesce(excluded.phone, leads.phone),
    email = coalesce(excluded.email, leads.email),
    call_count = leads.call_count + 1,
    updated_at = now()
  returning id
), inserted as (
  insert into calls (id, organization_id, call_id, lead_id, user_id, transcript, started_at, duration_seconds,
    metadata, status, workflow_id, created_at, source)
  select ?::uuid, ?::uuid, ?, lead.id, ?::uuid, ?, ?::timestamptz, ?::float8, ?::jsonb, 'queued', ?, now(), ?
    from lead
  returning id, lead_id, workflow_id, status
)
select id, lead_id, workflow_id, status, true as duplicate from existing
union all
select id, lead_id, workflow_id, status, false as duplicate from inserted`;

/**
 * Inserts lead (found or created) and call in one transaction; a repeated callId returns the first row and
 * leaves the lead untouched (a redelivery with other lead details must not change or create a lead). A
 * transaction-scoped advisory lock on (organization, callId) makes concurrent deliveries take turns.
 * Throws UnknownUserError, storing nothing, when the user is not one of the organization's.
 * Plain SQL with the organization in every condition: `em` lends its connection, its filters play no part.
 */
export async function storeCall(
  em: EntityManager,
  organizationId: string,
  delivery: CallDelivery,
): Promise<StoredCall> {
  if (!UUID.test(delivery.userId)) throw new UnknownUserError();
  const workflowId = callWorkflowId(organizationId, delivery.callId);
  const { lead, metadata } = delivery;
  const connection = em.getConnection();
  // The connection's own errors are the driver's: converted like the EntityManager's, so a value PostgreSQL
  // refuses (an out-of-range date) is recognised as the caller's input.
  const driverError = (error: unknown) =>
    error instanceof UnknownUserError || !(error instanceof Error) ? error : em.getDriver().convertException(error);
  return connection
    .transactional(async (trx) => {
      const [lock] = await connection.execute<{ known_user: boolean }[]>(
        LOCK_AND_CHECK_USER,
        [organizationId, delivery.callId, delivery.userId, organizationId],
        'all',
        trx,
      );
      if (!lock?.known_user) throw new UnknownUserError();
      type Row = { id: string; lead_id: string; workflow_id: string; status: CallStatus; duplicate: boolean };
      const [row] = await connection.execute<Row[]>(
        STORE_CALL,
        [
          organizationId,
          delivery.callId,
          randomUUID(),
          organizationId,
          lead.externalId,
          lead.name ?? null,
          lead.phone ?? null,
          lead.email ?? null,
          delivery.userId,
          randomUUID(),
          organizationId,
          delivery.callId,
          delivery.userId,
          flattenTranscript(delivery.transcript),
          delivery.startedAt ?? null,
          delivery.durationSeconds ?? null,
          metadata ? JSON.stringify(metadata) : null,
          workflowId,
          delivery.source ?? 'callsense',
        ],
        'all',
        trx,
      );
      const { id, lead_id: leadId, workflow_id: storedWorkflowId, duplicate, status } = row!;
      return { id, leadId, workflowId: storedWorkflowId, duplicate, status };
    })
    .catch((error: unknown) => {
      throw driverError(error);
    });
}
