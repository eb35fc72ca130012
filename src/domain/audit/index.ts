// The audit trail: recordAudit adds an entry to the caller's unit of work, so it is flushed (and committed)
// together with the change it describes, or not at all.
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../accounts/user.entity.js';
import { AuditEvent, type IAuditEvent } from './audit-event.entity.js';

export { AuditEvent, type IAuditEvent } from './audit-event.entity.js';

export const AUDIT_ACTIONS = {
  userCreated: 'user.created',
  userChanged: 'user.changed',
  userDeleted: 'user.deleted',
  promptChanged: 'prompt.changed',
  promptCreated: 'prompt.created',
  promptVersionCreated: 'prompt.version_created',
  promptLabelMoved: 'prompt.label_moved',
  promptDeleted: 'prompt.deleted',
  promptDefaultsChanged: 'prompt.defaults_changed',
  experimentStarted: 'prompt.experiment_started',
  experimentCancelled: 'prompt.experiment_cancelled',
  experimentDeleted: 'prompt.experiment_deleted',
  webhookSecretRotated: 'webhook_secret.rotated',
  webhookSecretShown: 'webhook_secret.shown',
  tokenIssued: 'token.issued',
  leadStatusChanged: 'lead.status_changed',
  preferencesChanged: 'preferences.changed',
  scoringRun: 'scoring.run',
  scoringOptimize: 'scoring.optimize',
  organizationCreated: 'organization.created',
  integrationChanged: 'integration.changed',
  integrationRemoved: 'integration.removed',
  modelActivated: 'scoring.model_activated',
  reanalysisRequested: 'calls.reanalysis_requested',
  eventEndpointCreated: 'event_endpoint.created',
  eventEndpointChanged: 'event_endpoint.changed',
  eventEndpointDeleted: 'event_endpoint.deleted',
  eventEndpointSecretRotated: 'event_endpoint.secret_rotated',
  eventEndpointDisabled: 'event_endpoint.disabled',
  eventEndpointTested: 'event_endpoint.tested',
  eventDeliveryRetried: 'event_delivery.retried',
} as const;

export interface AuditInput {
  organizationId: string;
  /** Who did it; null for the operator's CLI or the system itself. */
  actorId: string | null;
  action: string;
  target?: { type: string; id: string } | null;
  details?: Record<string, unknown>;
  /** The actor's email when the caller knows it (saves a lookup). */
  actorEmail?: string | null;
}

/**
 * Persists an audit entry on `em` without flushing: the caller's flush (or transaction) writes it with the
 * change. The actor's email is copied so the entry still names them after they are deleted.
 */
export async function recordAudit(em: EntityManager, input: AuditInput): Promise<IAuditEvent> {
  let actorEmail = input.actorEmail ?? null;
  if (input.actorId && actorEmail === null) {
    const actor = await em.findOne(User, { id: input.actorId }, { fields: ['id', 'email'], filters: false });
    actorEmail = actor?.email ?? null;
  }
  return em.create(AuditEvent, {
    organization: input.organizationId,
    actorId: input.actorId,
    actorEmail,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    details: input.details ?? {},
    at: new Date(),
  });
}

/** Audits what `actor` did to `target` in `organizationId`, in the caller's unit of work (see recordAudit). */
export function recordActorAudit(
  em: EntityManager,
  actor: { id: string; email: string | null },
  organizationId: string,
  target: { type: string; id: string },
  action: string,
  details: Record<string, unknown>,
): Promise<IAuditEvent> {
  return recordAudit(em, { organizationId, actorId: actor.id, actorEmail: actor.email, action, target, details });
}
