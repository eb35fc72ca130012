// Prints the Temporal CLI this machine will use, building it with Go into the tools cache when needed.
import { resolveTemporalCli } from '../src/platform/temporal-cli.js';

console.log(`Temporal CLI: ${await resolveTemporalCli()}`);
