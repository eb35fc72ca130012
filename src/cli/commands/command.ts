// What every operator command declares: its options (for node:util parseArgs) and how it runs against a context.
import type { CliContext } from '../context.js';

interface OptionSpec {
  type: 'string';
  required?: boolean;
  description: string;
}

export interface Command {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  run(ctx: CliContext, values: Record<string, string | undefined>): Promise<void>;
}
