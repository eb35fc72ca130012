import { MikroORM, defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

export type Orm = MikroORM;

/** How long a query waits for a pooled connection (or a new one) before it fails. */
const POOL_CONNECTION_TIMEOUT_MS = 5_000;

function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator, SeedManager],
    migrations: {
      // An explicit list: the same code runs under tsx and compiled, with no file globbing.
      migrationsList,
      path: 'src/db/migrations',
      emit: 'ts',
      snapshot: false,
      silent: true, // callers report what was applied
      transactional: true,
      allOrNothing: true,
    },
    seeder: { path: 'src/db/seeders', emit: 'ts' },
    // Failing closed is the point of the filters: never let a forgotten context read everything.
    forceUndefined: false,
    pool: { min: 0, max: 10 },
    // A request never waits forever for a connection: a database that does not answer (or a pool that stays
    // full) fails the query after this long, and the API turns that into 503 with Retry-After.
    driverOptions: { connectionTimeoutMillis: POOL_CONNECTION_TIMEOUT_MS },
    debug: false,
    ...overrides,
  });
}

export async function createOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<Orm> {
  return MikroORM.init(ormOptions(databaseUrl, overrides));
}
