// What every CLI command gets: the configuration, and connections opened only when the command needs them.
import { loadConfig, type Config } from '../config.js';
import { createOrm, type Orm } from '../db/orm.js';
import { connectTemporal, type TemporalHandle } from '../temporal/client.js';
import { defaultServiceAddresses } from '../platform/services.js';

/** A refusal to report as is (bad arguments, unknown organization): the CLI prints it and exits 1. */
export class CliError extends Error {}

export interface CliContext {
  config: Config;
  orm(): Promise<Orm>;
  temporal(): Promise<TemporalHandle>;
  /** Writes the command's result as JSON on stdout (one document per command). */
  print(result: unknown): void;
  close(): Promise<void>;
}

export function createContext(): CliContext {
  const config = loadConfig();
  const addresses = defaultServiceAddresses(config);
  let orm: Promise<Orm> | undefined;
  let temporal: Promise<TemporalHandle> | undefined;
  return {
    config,
    orm: () => (orm ??= createOrm(addresses.databaseUrl, { pool: { min: 0, max: 2 } })),
    temporal: () => (temporal ??= connectTemporal(addresses.temporalAddress, config.temporal.namespace)),
    print: (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    async close() {
      await (await temporal)?.close();
      await (await orm)?.close();
    },
  };
}
