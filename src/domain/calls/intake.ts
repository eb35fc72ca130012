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
  lead: { externalId: string; name?: string | null | undefined; phone?: string | null | undefined; email?: string | null | undefined };
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

/**
 * Inserts lead (found or created) and call in one transaction; a repeated callId returns the first row and
 * leaves the lead untouched (a redelivery with other lead details must not change or create a lead). A
 * transaction-scoped advisory lock on (organization, callId) makes concurrent deliveries take turns.
 */
export async function storeCall(em: EntityManager, organizationId: string, delivery: CallDelivery): Promise<StoredCall> {
  const workflowId = callWorkflowId(organizationId, delivery.callId);
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtextextended(? || \':\' || ?, 0))', [organizationId, delivery.callId]);
    const [existing] = await tx.execute<{ id: string; lead_id: string; workflow_id: string; status: CallStatus }[]>(
      'select id, lead_id, workflow_id, status from calls where organization_id = ? and call_id = ?',
      [organizationId, delivery.callId],
    );
    if (existing) return { id: existing.id, leadId: existing.lead_id, workflowId: existing.workflow_id, duplicate: true, status: existing.status };
    const [lead] = await tx.execute<{ id: string }[]>(
      `insert into leads (id, organization_id, external_id, name, phone, email, status, assigned_to_id, call_count, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 'NEW', ?, 0, now(), now())
       on conflict (organization_id, external_id) do update set
         name = coalesce(excluded.name, leads.name),
         phone = coalesce(excluded.phone, leads.phone),
         email = coalesce(excluded.email, leads.email)
       returning id`,
      [randomUUID(), organizationId, delivery.lead.externalId, delivery.lead.name ?? null, delivery.lead.phone ?? null, delivery.lead.email ?? null, delivery.userId],
    );
    const [inserted] = await tx.execute<{ id: string; lead_id: string }[]>(
      `insert into calls (id, organization_id, call_id, lead_id, user_id, transcript, started_at, duration_seconds,
         metadata, status, workflow_id, created_at, source)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, now(), ?)
       returning id, lead_id`,
      [
        randomUUID(), organizationId, delivery.callId, lead!.id, delivery.userId, flattenTranscript(delivery.transcript),
        delivery.startedAt ?? null, delivery.durationSeconds ?? null, delivery.metadata ? JSON.stringify(delivery.metadata) : null, workflowId,
        delivery.source ?? 'callsense',
      ],
    );
    await tx.execute('update leads set call_count = call_count + 1, updated_at = now() where id = ?', [lead!.id]);
    return { id: inserted!.id, leadId: inserted!.lead_id, workflowId, duplicate: false, status: 'queued' };
  });
}
