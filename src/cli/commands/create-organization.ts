import { AccountError, createOrganization } from '../../domain/accounts/users.js';
import { CliError } from '../context.js';
import type { Command } from './command.js';
import { checkEmail, checkPassword, generatePassword } from './support.js';

const command: Command = {
  name: 'create-organization',
  summary: 'A new organization and its first admin (prints a generated password when none is given)',
  options: {
    name: { type: 'string', required: true, description: "the organization's name" },
    'admin-email': { type: 'string', required: true, description: "the admin's email (their login)" },
    password: { type: 'string', description: "the admin's password (at least 8 characters)" },
  },
  async run(ctx, values) {
    const name = values.name!.trim();
    if (!name || name.length > 200) throw new CliError('--name: between 1 and 200 characters');
    const email = checkEmail(values['admin-email']!);
    const password = values.password === undefined ? generatePassword() : checkPassword(values.password);
    const orm = await ctx.orm();
    const input = { name, admin: { email, password } };
    const created = await createOrganization(orm.em.fork(), input, { keys: ctx.config.encryption, via: 'cli' }).catch(
      (error: unknown) => {
        throw error instanceof AccountError ? new CliError(error.message) : error;
      },
    );
    ctx.print({
      organization: { id: created.organization.id, name: created.organization.name },
      admin: { id: created.admin.id, email: created.admin.email, role: created.admin.role },
      ...(values.password === undefined ? { password } : {}),
    });
  },
};

export default command;
