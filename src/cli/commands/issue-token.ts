import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import { User } from '../../domain/accounts/user.entity.js';
import { normalizeEmail } from '../../domain/accounts/users.js';
import { AUDIT_ACTIONS, recordAudit } from '../../domain/audit/index.js';
import { CliError } from '../context.js';
import type { Command } from './command.js';

const command: Command = {
  name: 'issue-token',
  summary: "A bearer token for a user (signed like the API's, valid for JWT_EXPIRES_IN)",
  options: { email: { type: 'string', required: true, description: "the user's email" } },
  async run(ctx, values) {
    const orm = await ctx.orm();
    // The operator acts across organizations: the lookup by email is the one place without a tenant.
    const user = await orm.em.fork().findOne(User, { email: normalizeEmail(values.email!) }, { filters: false });
    if (!user) throw new CliError(`--email: no user ${values.email}`);
    // The API's own signer and options, so the token is exactly what a login would have returned.
    const signer = Fastify({ logger: false });
    await signer.register(fastifyJwt, {
      secret: ctx.config.jwt.secret,
      sign: { algorithm: 'HS256', expiresIn: ctx.config.jwt.expiresIn },
    });
    await signer.ready();
    const claims = { sub: user.id, org: user.organization, role: user.role, tv: user.tokenVersion, jti: randomUUID() };
    const token = signer.jwt.sign(claims);
    await signer.close();
    // A token made outside the login is a way into the organization: its admins see that it was made, and for whom.
    const em = orm.em.fork();
    await recordAudit(em, {
      organizationId: user.organization,
      actorId: null,
      action: AUDIT_ACTIONS.tokenIssued,
      target: { type: 'user', id: user.id },
      details: { via: 'cli', email: user.email, expiresIn: ctx.config.jwt.expiresIn },
    });
    await em.flush();
    ctx.print({ token, user: { id: user.id, email: user.email, role: user.role, organizationId: user.organization } });
  },
};

export default command;
