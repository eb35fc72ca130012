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
import type { Role } from '../../domain/accounts/user.entity.js';
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

/** What authentication reads of the caller's organization (its name and prompt defaults). */
interface CurrentOrganization {
  id: string;
  name: string;
  demo: boolean;
  defaultIndividualPrompt: string | null;
  defaultCompletePrompt: string | null;
}

/**
 * The caller and their organization as every authenticated request reads them: one plain parameterized statement (no query builder, no
 * hydration: it runs on every request). It names the token's organization itself, as the tenant filter would,
 * and rules out a logged-out token in the same round trip.
 */
const CALLER_SQL = `select u.id, u.email, u.role, u.first_name, u.last_name, u.openai_individual_prompt_id,
       u.openai_complete_prompt_id, u.token_version, u.password_changed_by_token_id,
       o.name as organization_name, o.demo as organization_demo,
       o.default_individual_prompt, o.default_complete_prompt
  from users u join organizations o on o.id = u.organization_id
 where u.id = ? and u.organization_id = ?
   and not exists (select 1 from revoked_tokens r where r.jti = ?)
 limit 1`;

interface CallerRow {
  id: string;
  email: string;
  role: Role;
  first_name: string | null;
  last_name: string | null;
  openai_individual_prompt_id: string | null;
  openai_complete_prompt_id: string | null;
  token_version: number;
  password_changed_by_token_id: string | null;
  organization_name: string;
  organization_demo: boolean;
  default_individual_prompt: string | null;
  default_complete_prompt: string | null;
}

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
    /** The caller's organization, read with the caller. */
    currentOrganization: CurrentOrganization;
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
    app.decorateRequest('currentOrganization', null as unknown as CurrentOrganization);
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
      // One EntityManager per request, with the organization's scope, narrowed to what the caller may see.
      const em = tenantEm(opts.orm.em, claims.org);
      const [user] = await em.getConnection().execute<CallerRow[]>(CALLER_SQL, [claims.sub, claims.org, claims.jti]);
      if (
        !user ||
        !currentVersion(claims, {
          tokenVersion: user.token_version,
          passwordChangedByTokenId: user.password_changed_by_token_id,
        })
      )
        throw unauthorized('Invalid token');
      request.token = { jti: claims.jti, exp: claims.exp };
      em.setFilterParams(VISIBILITY_FILTER, { userId: user.id, role: user.role });
      request.em = em;
      request.currentUser = {
        id: user.id,
        organization: claims.org,
        email: user.email,
        role: user.role,
        firstName: user.first_name,
        lastName: user.last_name,
        openaiIndividualPromptId: user.openai_individual_prompt_id,
        openaiCompletePromptId: user.openai_complete_prompt_id,
      };
      request.currentOrganization = {
        id: claims.org,
        name: user.organization_name,
        demo: user.organization_demo,
        defaultIndividualPrompt: user.default_individual_prompt,
        defaultCompletePrompt: user.default_complete_prompt,
      };
      request.auth = { userId: user.id, organizationId: claims.org, role: user.role, email: user.email };
    });

    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      if (request.auth?.role !== 'admin') throw forbidden();
    });
  },
  { name: 'auth' },
);
