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

// One round trip: the function (created by Migration20261204194000_store_call_function) takes the
// transaction-scoped advisory lock on (organization, callId), checks the user, and returns the stored call or
// finds/creates the lead and inserts the call, each step with a fresh snapshot, all in the implicit transaction
// of this one statement. No row: the user is not one of the organization's.
const STORE_CALL = `select call_row_id, call_lead_id, call_workflow_id, call_status, is_duplicate
  from callsense_intake.store_call(?::uuid, ?, ?::uuid, ?::uuid, ?, ?, ?, ?, ?::uuid, ?, ?::timestamptz, ?::float8,
    ?::jsonb, ?, ?)`;

/**
 * Inserts lead (found or created) and call in one statement (one round trip, its own transaction); a repeated
 * callId returns the first row and leaves the lead untouched (a redelivery with other lead details must not
 * change or create a lead). A transaction-scoped advisory lock on (organization, callId) makes concurrent
 * deliveries take turns.
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
  type Row = {
    call_row_id: string;
    call_lead_id: string;
    call_workflow_id: string;
    call_status: CallStatus;
    is_duplicate: boolean;
  };
  return connection
    .execute<Row[]>(
      STORE_CALL,
      [
        organizationId,
        delivery.callId,
        delivery.userId,
        randomUUID(),
        lead.externalId,
        lead.name ?? null,
        lead.phone ?? null,
        lead.email ?? null,
        randomUUID(),
        flattenTranscript(delivery.transcript),
        delivery.startedAt ?? null,
        delivery.durationSeconds ?? null,
        metadata ? JSON.stringify(metadata) : null,
        workflowId,
        delivery.source ?? 'callsense',
      ],
      'all',
    )
    .then(([row]) => {
      if (!row) throw new UnknownUserError();
      return {
        id: row.call_row_id,
        leadId: row.call_lead_id,
        workflowId: row.call_workflow_id,
        duplicate: row.is_duplicate,
        status: row.call_status,
      };
    })
    .catch((error: unknown) => {
      throw driverError(error);
    });
}
