// Audit entries for changes a signed-in request makes: the caller is the actor, in their own organization.
import type { FastifyRequest } from 'fastify';
import { type AuditInput, recordAudit } from '../domain/audit/index.js';

/** Adds the entry to the request's unit of work (written by its next flush), naming the caller as the actor. */
export function recordRequestAudit(request: FastifyRequest, entry: Pick<AuditInput, 'action' | 'target' | 'details'>) {
  const { organizationId, userId, email } = request.auth;
  return recordAudit(request.em, { organizationId, actorId: userId, actorEmail: email, ...entry });
}
