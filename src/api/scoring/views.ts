// What the caller's and the admin's scoring routes share: a status with the next scheduled run, a user's
// model versions, and activating one of them (recorded in the audit trail).
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import { LeadScoringModel } from '../../domain/scoring/lead-scoring-model.entity.js';
import { scoringStatus } from '../../domain/scoring/status.js';
import { activateVersion } from '../../domain/scoring/activate-version.js';
import { nextScheduledScoringRun } from '../../temporal/scoring-runs.js';
import { HttpError } from '../plugins/errors.js';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { VERSION_FIELDS, toVersionDto } from './schemas.js';
import { recordRequestAudit } from '../audit.js';
import { findVisible } from '../visible-row.js';

export function scoringViews(deps: AppDeps) {
  const { client } = deps.temporal;
  const minLeadsPerClass = deps.config.scoring.minLeadsPerClass;

  /** The admin's target: a user of their own organization (anything else is 404, as if it did not exist). */
  async function targetUser(request: FastifyRequest, userId: string): Promise<string> {
    return (await findVisible(request.em, User, userId, 'User', { fields: ['id'] })).id;
  }

  async function status(request: FastifyRequest, userId: string) {
    const { organizationId } = request.auth;
    const current = await scoringStatus(request.em, { organizationId, userId, minLeadsPerClass });
    const next = await nextScheduledScoringRun(client);
    return { ...current, nextRunAt: next?.toISOString() ?? null };
  }

  async function versions(request: FastifyRequest, userId: string) {
    const models = await request.em.find(
      LeadScoringModel,
      { organization: request.auth.organizationId, user: userId },
      { fields: [...VERSION_FIELDS], orderBy: { version: 'desc' } },
    );
    return models.map(toVersionDto);
  }

  async function activate(request: FastifyRequest, userId: string, version: number) {
    const { organizationId } = request.auth;
    const activation = await activateVersion(request.em, { organizationId, userId, version });
    if (!activation) throw new HttpError(404, `Scoring model version ${version} not found for this user`);
    if (activation.changed) {
      await recordRequestAudit(request, {
        action: AUDIT_ACTIONS.modelActivated,
        target: { type: 'user', id: userId },
        details: { version },
      });
      await request.em.flush();
    }
    return toVersionDto(activation.model);
  }

  return { targetUser, status, versions, activate };
}
