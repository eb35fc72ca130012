// Turning an endpoint off: by an admin, or by CallSense once every delivery to it has failed for 5 days. Its
// pending deliveries fail at once (an admin can send them again after re-enabling it); nothing new is recorded
// for it while it is off.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AUDIT_ACTIONS, recordAudit } from '../audit/index.js';
import { DISABLE_AFTER_MS } from './backoff.js';

export const DISABLED_ERROR = 'The endpoint is disabled';

/** Fails the pending deliveries of a disabled endpoint. */
export async function failPendingDeliveries(tx: EntityManager, endpointId: string): Promise<void> {
  await tx.execute(
    `update event_deliveries set status = 'failed', last_error = ?, next_attempt_at = null, updated_at = now()
      where endpoint_id = ? and status = 'pending'`,
    [DISABLED_ERROR, endpointId],
    'run',
  );
}

/**
 * Disables the enabled endpoints (all, or the one given) whose deliveries have all failed since 5 days or more,
 * with an audit entry each (no actor: CallSense did it). Runs in the caller's transaction; returns their ids.
 */
export async function disableFailingEndpoints(
  tx: EntityManager,
  options: { endpointId?: string; now?: Date } = {},
): Promise<string[]> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - DISABLE_AFTER_MS).toISOString();
  const rows = await tx.execute<{ id: string; organization_id: string; failing_since: Date }[]>(
    `update event_endpoints set enabled = false, updated_at = now()
      where enabled and failing_since <= ?::timestamptz ${options.endpointId ? 'and id = ?' : ''}
      returning id, organization_id, failing_since`,
    options.endpointId ? [cutoff, options.endpointId] : [cutoff],
  );
  for (const row of rows) {
    await failPendingDeliveries(tx, row.id);
    await recordAudit(tx, {
      organizationId: row.organization_id,
      actorId: null,
      action: AUDIT_ACTIONS.eventEndpointDisabled,
      target: { type: 'event_endpoint', id: row.id },
      details: {
        reason: 'Every delivery failed for 5 days',
        failingSince: new Date(row.failing_since).toISOString(),
      },
    });
  }
  return rows.map((row) => row.id);
}
