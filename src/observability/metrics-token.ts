// METRICS_TOKEN: when set, both /metrics endpoints (API and worker) answer only `Authorization: Bearer <token>`.
// The metrics name routes, outcomes and volumes: not secrets, but not for anyone who can reach the port either.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the Authorization header carries the token; always true when no token is configured. */
export function metricsAuthorized(token: string | undefined, authorization: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  // Compared as digests: constant time, whatever length the client sent.
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

export const METRICS_UNAUTHORIZED_MESSAGE = 'The metrics require Authorization: Bearer <METRICS_TOKEN>';
