// What ends a session before its token expires, and what slows password guessing; both in PostgreSQL, so every API
// process sees them and they survive restarts. Read and written with plain SQL (plugins/auth.ts, me-routes.ts,
// login-failures.ts); declared here so the schema and the migrations stay one description.
import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.entity.js';

/**
 * A token ended by `POST /auth/logout`, by its `jti`, until it would have expired anyway (then the row is only
 * clutter, removed by later logouts). Checked with the user lookup of every request.
 */
export const RevokedToken = defineEntity({
  name: 'RevokedToken',
  tableName: 'revoked_tokens',
  properties: {
    jti: p.uuid().primary(),
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade'),
    expiresAt: p.datetime().index(),
  },
});

/**
 * Failed logins of one key (`account:<email>` or `address:<ip>`) in the current one-minute window. Past the limit
 * the key is blocked until `blockedUntil`; each block (`strikes`) lasts twice as long as the one before.
 */
export const LoginFailure = defineEntity({
  name: 'LoginFailure',
  tableName: 'login_failures',
  properties: {
    key: p.string().length(400).primary(),
    failures: p.integer(),
    windowStartedAt: p.datetime(),
    strikes: p.integer(),
    blockedUntil: p.datetime().nullable(),
    lastFailureAt: p.datetime().index(),
  },
});
