// Recognises "a backing service is not there right now" among errors, so the API answers 503 with
// Retry-After instead of 500. The ORM passes node-postgres errors through as generic driver errors, so
// they are recognised here by their socket error codes, SQLSTATEs and pg/pg-pool messages.
import { ConnectionException } from '@mikro-orm/core';
import { ServiceError, isGrpcServiceError } from '@temporalio/client';

export type Dependency = 'PostgreSQL' | 'Temporal';

/** Seconds a client should wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; class 08 is "connection exception".
const PG_STATES = /^(57P0[123]|53300|08...)$/;
const PG_MESSAGES = new RegExp(
  [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error',
    'Connection terminated due to connection timeout',
    'the database system is (starting up|shutting down)',
    'terminating connection due to administrator command',
  ].join('|'),
  'i',
);
// gRPC status codes: DEADLINE_EXCEEDED (4), UNAVAILABLE (14).
const TEMPORAL_STATUSES = new Set<number>([4, 14]);

/** The error and its causes (`cause`, and the members of an AggregateError), nearest first. */
function* chain(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (!error || typeof error !== 'object' || depth > 5) return;
  const e = error as Record<string, unknown>;
  yield e;
  if (e.cause) yield* chain(e.cause, depth + 1);
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1);
}

export function unavailableDependency(error: unknown): Dependency | undefined {
  for (const e of chain(error)) {
    if (e instanceof ServiceError) return 'Temporal';
    if (isGrpcServiceError(e) && TEMPORAL_STATUSES.has(e.code)) return 'Temporal';
    if (e instanceof ConnectionException) return 'PostgreSQL';
    const code = typeof e.code === 'string' ? e.code : undefined;
    const state = typeof e.sqlState === 'string' ? e.sqlState : code;
    if (code && SOCKET_CODES.has(code)) return 'PostgreSQL';
    if (state && PG_STATES.test(state)) return 'PostgreSQL';
    if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return 'PostgreSQL';
  }
  return undefined;
}
