// `npm run admin -- <command> [options]`: the operator's CLI against the configured database and Temporal.
// Results are JSON on stdout; refusals are one line on stderr and exit code 1 (2 for bad usage).
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import type { Command } from './commands/command.js';
import { commands } from './commands/index.js';
import { CliError, createContext } from './context.js';

function usage(): string {
  const lines = ['Usage: npm run admin -- <command> [options]', '', 'Commands:'];
  for (const command of commands) {
    lines.push(`  ${command.name}  ${command.summary}`);
    for (const [name, spec] of Object.entries(command.options)) {
      lines.push(`      --${name} <value>${spec.required ? '' : ' (optional)'}  ${spec.description}`);
    }
  }
  lines.push('', '  --help  this list');
  return lines.join('\n');
}

class UsageError extends Error {}

function parse(command: Command, args: string[]): Record<string, string | undefined> {
  let values: Record<string, unknown>;
  try {
    const options = Object.fromEntries(Object.keys(command.options).map((name) => [name, { type: 'string' as const }]));
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${command.name}: ${(error as Error).message}`);
  }
  for (const [name, spec] of Object.entries(command.options)) {
    if (spec.required && (typeof values[name] !== 'string' || values[name] === '')) {
      throw new UsageError(`${command.name}: --${name} is required`);
    }
  }
  return values as Record<string, string | undefined>;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}" (npm run admin -- --help lists them)`);
  if (rest.includes('--help')) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const values = parse(command, rest);
  const ctx = createContext();
  try {
    await command.run(ctx, values);
  } finally {
    await ctx.close();
  }
  return 0;
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  const known = error instanceof UsageError || error instanceof CliError || error instanceof ConfigError;
  process.stderr.write(`error: ${known ? (error as Error).message : ((error as Error).message ?? String(error))}\n`);
  code = error instanceof UsageError ? 2 : 1;
}
// Exit explicitly once the output is written: a library's lingering handle must not keep the process (or its
// exit code) hostage. The stdout callback runs when the JSON has been handed to the pipe.
process.stdout.write('', () => process.exit(code));
