import { AccountError, createUser } from '../../domain/accounts/users.js';
import { CliError } from '../context.js';
import type { Command } from './command.js';
import { checkEmail, checkPassword, generatePassword, organizationEm } from './support.js';

const command: Command = {
  name: 'create-user',
  summary: 'A user of an organization (prints a generated password when none is given)',
  options: {
    org: { type: 'string', required: true, description: 'the organization id' },
    email: { type: 'string', required: true, description: "the user's email (their login)" },
    role: { type: 'string', required: true, description: 'user | admin' },
    password: { type: 'string', description: 'their password (at least 8 characters)' },
  },
  async run(ctx, values) {
    const role = values.role;
    if (role !== 'user' && role !== 'admin') throw new CliError(`--role: "${role}" is neither user nor admin`);
    const email = checkEmail(values.email!);
    const password = values.password === undefined ? generatePassword() : checkPassword(values.password);
    const em = await organizationEm(await ctx.orm(), values.org!);
    const user = await createUser(em, values.org!, { email, password, role }, null).catch((error: unknown) => {
      throw error instanceof AccountError ? new CliError(error.message) : error;
    });
    ctx.print({
      user: { id: user.id, email: user.email, role: user.role, organizationId: user.organization },
      ...(values.password === undefined ? { password } : {}),
    });
  },
};

export default command;
