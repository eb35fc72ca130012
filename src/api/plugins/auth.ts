// JWT authentication (HS256 only) and the per-request, tenant-scoped EntityManager.
// Claims: sub (user id), org (organization id), role, exp, jti (token id), tv (the user's token version when it was
// issued). The user must still exist in that organization, the token must not have been logged out (its jti among
// revoked_tokens), and its version must be the user's current one: a password change moves the version on.
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import type { Orm } from '../../db/orm.js';
import { User, type IUser, type Role } from '../../domain/accounts/user.entity.js';
import { tenantEm } from '../../domain/tenancy/tenant-em.js';
import { VISIBILITY_FILTER } from '../../domain/tenancy/filters.js';
import { forbidden, unauthorized } from './errors.js';
import type { UserFields } from '../schemas/accounts.js';
import { isUuid } from '../schemas/common.js';

interface AuthContext {
  userId: string;
  organizationId: string;
  role: Role;
  email: string;
}

/** What authentication reads of the caller: everything a route about the caller themselves answers with. */
type CurrentUser = UserFields;

// The organization is not read: the tenant filter already pins it to the token's.
const CALLER_FIELDS = [
  'id',
  'email',
  'role',
  'firstName',
  'lastName',
  'openaiIndividualPromptId',
  'openaiCompletePromptId',
] as const;
const SESSION_FIELDS = ['tokenVersion', 'passwordChangedByTokenId'] as const;

interface TokenClaims {
  sub: string;
  org: string;
  role: Role;
  jti: string;
  tv: number;
  exp: number;
}

/** What a route hands to signToken: the token id and expiry are added there. */
type SignClaims = Pick<TokenClaims, 'sub' | 'org' | 'role' | 'tv'>;

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Omit<TokenClaims, 'exp'>;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    signToken: (claims: SignClaims) => string;
  }
  interface FastifyRequest {
    auth: AuthContext;
    /** The verified token's id and expiry (logout revokes exactly this token). */
    token: { jti: string; exp: number };
    /** Scoped to the caller's organization (and, for a `user`, to their own rows). Set by `authenticate`. */
    em: EntityManager;
    /** The caller as loaded by `authenticate`: routes about the caller themselves read it, not the database. */
    currentUser: CurrentUser;
  }
}

/** What a person is told about a token the JWT plugin turned away; anything else is just "Invalid token". */
const JWT_ERROR_MESSAGES: Record<string, string> = {
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: 'The token has expired',
  FST_JWT_NO_AUTHORIZATION_IN_HEADER: 'Missing Authorization: Bearer <token> header',
};

/**
 * A signature that checks out is not enough: every claim must have the shape tokens are issued with. A token without
 * a jti or a version (issued before sessions could end) is refused: it could not be revoked.
 */
function wellFormed(claims: TokenClaims): boolean {
  const ids = [claims.sub, claims.org, claims.jti].every((id) => typeof id === 'string' && isUuid(id));
  const role = claims.role === 'user' || claims.role === 'admin';
  const expires = typeof (claims as { exp?: unknown }).exp === 'number';
  const version = Number.isSafeInteger(claims.tv) && claims.tv >= 0;
  return ids && role && expires && version;
}

/**
 * Whether the token's version is the user's: a password change moved the version on, which ends every token
 * issued before, except the one that changed the password (the caller stays signed in).
 */
const currentVersion = (
  claims: TokenClaims,
  user: { tokenVersion: number; passwordChangedByTokenId?: string | null },
) => claims.tv === user.tokenVersion || claims.jti === user.passwordChangedByTokenId;

export default fp(
  async function auth(app: FastifyInstance, opts: { config: Config; orm: Orm }) {
    await app.register(fastifyJwt, {
      secret: opts.config.jwt.secret,
      sign: { algorithm: 'HS256', expiresIn: opts.config.jwt.expiresIn },
      verify: { algorithms: ['HS256'] },
    });
    app.decorateRequest('auth', null as unknown as AuthContext);
    app.decorateRequest('em', null as unknown as EntityManager);
    app.decorateRequest('currentUser', null as unknown as CurrentUser);
    app.decorateRequest('token', null as unknown as { jti: string; exp: number });
    app.decorate('signToken', (claims: SignClaims) =>
      app.jwt.sign({ sub: claims.sub, org: claims.org, role: claims.role, tv: claims.tv, jti: randomUUID() }),
    );

    app.decorate('authenticate', async (request: FastifyRequest) => {
      let claims: TokenClaims;
      try {
        claims = await request.jwtVerify<TokenClaims>();
      } catch (error) {
        throw unauthorized(JWT_ERROR_MESSAGES[(error as { code?: string }).code ?? ''] ?? 'Invalid token');
      }
      if (!wellFormed(claims)) throw unauthorized('Invalid token');
      // The database, not the token, is the authority on whether the user exists and what role they hold.
      // One EntityManager per request: the caller is read through it with the organization's scope, then it is
      // narrowed to what the caller may see. Every request pays for this read, so it is a plain row (no entity,
      // no identity map: later reads of this user load it whole); the tenant filter still applies, and a query
      // without an organization still throws.
      const em = tenantEm(opts.orm.em, claims.org);
      // A logged-out token is ruled out by the same query, so no request pays a second round trip.
      const query = em
        .createQueryBuilder(User)
        .select([...CALLER_FIELDS, ...SESSION_FIELDS])
        .where({ id: claims.sub })
        .andWhere('not exists (select 1 from revoked_tokens where jti = ?)', [claims.jti])
        .limit(1);
      await query.applyFilters();
      const user = (await query.execute('get')) as
        | Pick<IUser, (typeof CALLER_FIELDS)[number] | (typeof SESSION_FIELDS)[number]>
        | undefined;
      if (!user || !currentVersion(claims, user)) throw unauthorized('Invalid token');
      request.token = { jti: claims.jti, exp: claims.exp };
      em.setFilterParams(VISIBILITY_FILTER, { userId: user.id, role: user.role });
      request.em = em;
      request.currentUser = {
        id: user.id,
        organization: claims.org,
        email: user.email,
        role: user.role,
        firstName: user.firstName,
        lastName: user.lastName,
        openaiIndividualPromptId: user.openaiIndividualPromptId,
        openaiCompletePromptId: user.openaiCompletePromptId,
      };
      request.auth = { userId: user.id, organizationId: claims.org, role: user.role, email: user.email };
    });

    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      if (request.auth?.role !== 'admin') throw forbidden();
    });
  },
  { name: 'auth' },
);
