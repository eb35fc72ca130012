// When the demo organization is filled: on the first `npm start` against an empty database, or by hand
// (`npm run seed -- --demo`); never when NODE_ENV=production, and only once: a demo organization (or the demo login
// of an older seed) already there is left as it is.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, generateDemo, type DemoSummary } from './generate.js';

export type DemoFill =
  | { status: 'created'; summary: DemoSummary; seconds: number }
  /** A demo organization (or the demo login) exists: nothing was written. */
  | { status: 'exists'; organizationId: string | null }
  | { status: 'skipped'; reason: string };

/** Serializes fills of one database: two processes starting at once fill one organization. */
const LOCK = `select pg_advisory_xact_lock(hashtextextended('callsense-demo-fill', 0))`;

/** `DEMO_DATA=off` (or false, 0, no) turns the first-start fill off. */
const demoDataOff = (value: string | undefined) =>
  value !== undefined && ['off', 'false', '0', 'no'].includes(value.trim().toLowerCase());

async function existingDemo(em: EntityManager): Promise<{ organizationId: string | null } | null> {
  const [row] = await em.execute<{ id: string | null; login: boolean }[]>(
    `select (select id from organizations where demo order by created_at limit 1) as id,
            exists (select 1 from users where email = ?) as login`,
    [DEMO_ADMIN_EMAIL],
  );
  return row && (row.id || row.login) ? { organizationId: row.id } : null;
}

/**
 * Fills the demo organization in one transaction (all of it or nothing). `onlyIfEmpty`: only when the database
 * has no organization at all, checked under the lock (the first-start rule).
 */
export async function fillDemo(
  orm: Orm,
  config: Config,
  options: { now?: Date | undefined; onlyIfEmpty?: boolean; seed?: number } = {},
): Promise<DemoFill> {
  if (config.nodeEnv === 'production') return { status: 'skipped', reason: 'NODE_ENV=production' };
  const started = performance.now();
  return orm.em.fork().transactional(async (tx) => {
    await tx.execute(LOCK);
    const existing = await existingDemo(tx);
    if (existing) return { status: 'exists' as const, organizationId: existing.organizationId };
    if (options.onlyIfEmpty) {
      const [row] = await tx.execute<{ any: boolean }[]>('select exists (select 1 from organizations) as any');
      if (row?.any) return { status: 'skipped' as const, reason: 'the database already has organizations' };
    }
    const summary = await generateDemo(tx, {
      now: options.now,
      seed: options.seed,
      defaultModel: config.openai.defaultModel,
      prices: config.openai.prices,
      minLeadsPerClass: config.scoring.minLeadsPerClass,
      keys: config.encryption,
    });
    return { status: 'created' as const, summary, seconds: (performance.now() - started) / 1000 };
  });
}

/** The first-start rule of `npm start`: an empty database gets the demo unless DEMO_DATA=off or production. */
export async function fillDemoOnFirstStart(
  orm: Orm,
  config: Config,
  options: { demoData: string | undefined; now?: Date | undefined },
): Promise<DemoFill> {
  if (config.nodeEnv === 'production') return { status: 'skipped', reason: 'NODE_ENV=production' };
  if (demoDataOff(options.demoData)) return { status: 'skipped', reason: 'DEMO_DATA=off' };
  return fillDemo(orm, config, { now: options.now, onlyIfEmpty: true });
}

/** The lines `npm start` and `npm run seed` print about the demo (none when there is no demo to log in to). */
export function describeDemoFill(fill: DemoFill): string[] {
  if (fill.status === 'skipped') return [];
  const login = `${DEMO_ADMIN_EMAIL} / ${DEMO_PASSWORD}`;
  if (fill.status === 'exists') return [login];
  const { summary, seconds } = fill;
  return [
    login,
    `filled in ${seconds.toFixed(1)} s: ${summary.leads} leads (${summary.won} won, ${summary.lost} lost), ` +
      `${summary.calls} calls, ${summary.models.length} active scoring models, one experiment`,
  ];
}
