// Stores a delivered call exactly once per (organization, callId), finding or creating its lead, and
// makes sure its analysis workflow exists. Safe under concurrent and repeated deliveries.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { callWorkflowId } from '../../temporal/ids.js';
import { tenantSearchAttributes } from '../../temporal/search-attributes.js';
import { flattenTranscript, type TranscriptInput } from './transcript.js';
import type { CallSource } from './call.entity.js';

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
}

/** Inserts lead (found or created) and call in one transaction; a repeated callId returns the first row. */
export async function storeCall(em: EntityManager, organizationId: string, delivery: CallDelivery): Promise<StoredCall> {
  const workflowId = callWorkflowId(organizationId, delivery.callId);
  return em.transactional(async (tx) => {
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
    const inserted = await tx.execute<{ id: string; lead_id: string }[]>(
      `insert into calls (id, organization_id, call_id, lead_id, user_id, transcript, started_at, duration_seconds, metadata, status, workflow_id, created_at, source)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, now(), ?)
       on conflict (organization_id, call_id) do nothing
       returning id, lead_id`,
      [
        randomUUID(), organizationId, delivery.callId, lead!.id, delivery.userId, flattenTranscript(delivery.transcript),
        delivery.startedAt ?? null, delivery.durationSeconds ?? null, delivery.metadata ? JSON.stringify(delivery.metadata) : null, workflowId,
        delivery.source ?? 'callsense',
      ],
    );
    if (inserted[0]) {
      await tx.execute('update leads set call_count = call_count + 1, updated_at = now() where id = ?', [lead!.id]);
      return { id: inserted[0].id, leadId: inserted[0].lead_id, workflowId, duplicate: false };
    }
    const [existing] = await tx.execute<{ id: string; lead_id: string; workflow_id: string }[]>(
      'select id, lead_id, workflow_id from calls where organization_id = ? and call_id = ?',
      [organizationId, delivery.callId],
    );
    return { id: existing!.id, leadId: existing!.lead_id, workflowId: existing!.workflow_id, duplicate: true };
  });
}

/**
 * Starts the call's workflow unless it exists. Run on every delivery, duplicates included: if a crash came
 * between storing the call and starting its workflow, the provider's redelivery still gets it analysed,
 * and the workflow id (with REJECT_DUPLICATE) guarantees it is analysed once.
 */
export async function ensureCallWorkflow(client: Client, input: { taskQueue: string; organizationId: string; userId: string; call: StoredCall; openaiTimeoutMs: number; memo?: Record<string, unknown> }): Promise<void> {
  try {
    await client.workflow.start('callAnalysisWorkflow', {
      workflowId: input.call.workflowId,
      taskQueue: input.taskQueue,
      args: [{ organizationId: input.organizationId, callRowId: input.call.id, openai: { requestTimeoutMs: input.openaiTimeoutMs } }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: tenantSearchAttributes({ organizationId: input.organizationId, userId: input.userId, leadId: input.call.leadId }),
      ...(input.memo ? { memo: input.memo } : {}),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
