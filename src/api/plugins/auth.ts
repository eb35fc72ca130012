// JWT authentication (HS256 only) and the per-request, tenant-scoped EntityManager.
// Claims: sub (user id), org (organization id), role, exp. The user must still exist in that organization.
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

interface TokenClaims {
  sub: string;
  org: string;
  role: Role;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    signToken: (claims: TokenClaims) => string;
  }
  interface FastifyRequest {
    auth: AuthContext;
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

/** A signature that checks out is not enough: every claim must have the shape tokens are issued with. */
function wellFormed(claims: TokenClaims): boolean {
  const ids = [claims.sub, claims.org].every((id) => typeof id === 'string' && isUuid(id));
  const role = claims.role === 'user' || claims.role === 'admin';
  const expires = typeof (claims as { exp?: unknown }).exp === 'number';
  return ids && role && expires;
}

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
    app.decorate('signToken', (claims: TokenClaims) =>
      app.jwt.sign({ sub: claims.sub, org: claims.org, role: claims.role }),
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
      const query = em
        .createQueryBuilder(User)
        .select([...CALLER_FIELDS])
        .where({ id: claims.sub })
        .limit(1);
      await query.applyFilters();
      const user = (await query.execute('get')) as Pick<IUser, (typeof CALLER_FIELDS)[number]> | undefined;
      if (!user) throw unauthorized('Invalid token');
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
