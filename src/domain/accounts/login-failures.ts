// Failed logins, counted in PostgreSQL per key (`account:<email>`, `address:<ip>`): every API process shares the
// count and a restart does not reset it, unlike a per-process memory a flood of other keys could evict. A key that
// fails `limit` times within a minute is blocked for a minute; each further block of the same key lasts twice as
// long as the one before (up to an hour), until a day passes without a failure.
import type { EntityManager } from '@mikro-orm/postgresql';

const WINDOW = "interval '1 minute'";
const FIRST_BLOCK_SECONDS = 60;
const LONGEST_BLOCK_SECONDS = 3600;
const STRIKES_FORGOTTEN_AFTER = "interval '1 day'";

export const accountKey = (email: string) => `account:${email}`;
export const addressKey = (ip: string) => `address:${ip}`;

/** Seconds until every one of `keys` may try again; 0 when none is blocked. */
export async function loginBlockedSeconds(em: EntityManager, keys: string[]): Promise<number> {
  const [row] = await em.execute<{ seconds: number | null }[]>(
    `select ceil(extract(epoch from max(blocked_until) - now()))::int as seconds
       from login_failures where key in (?) and blocked_until > now()`,
    [keys],
  );
  return Math.max(0, row?.seconds ?? 0);
}

/**
 * Counts one failure against each key; a key reaching `limit[key]` in its window is blocked. Rows of keys that have
 * not failed for a day (and are not blocked) are removed on the way, a few at a time: guesses at made-up emails
 * leave one row each.
 */
export async function recordLoginFailure(em: EntityManager, limits: Record<string, number>): Promise<void> {
  await em.execute(
    `delete from login_failures where key in (
       select key from login_failures
        where last_failure_at < now() - ${STRIKES_FORGOTTEN_AFTER} and (blocked_until is null or blocked_until < now())
        limit 100)`,
  );
  for (const [key, limit] of Object.entries(limits)) {
    const [row] = await em.execute<{ failures: number }[]>(
      `insert into login_failures as f (key, failures, window_started_at, strikes, blocked_until, last_failure_at)
         values (?, 1, now(), 0, null, now())
       on conflict (key) do update set
         failures = case when f.window_started_at > now() - ${WINDOW} then f.failures + 1 else 1 end,
         window_started_at = case when f.window_started_at > now() - ${WINDOW} then f.window_started_at else now() end,
         strikes = case when f.last_failure_at < now() - ${STRIKES_FORGOTTEN_AFTER} then 0 else f.strikes end,
         last_failure_at = now()
       returning failures`,
      [key],
    );
    if ((row?.failures ?? 0) < limit) continue;
    await em.execute(
      `update login_failures set
         blocked_until = now() + make_interval(secs => least(? * power(2, strikes), ?)),
         strikes = strikes + 1, failures = 0, window_started_at = now()
       where key = ?`,
      [FIRST_BLOCK_SECONDS, LONGEST_BLOCK_SECONDS, key],
    );
  }
}

/** A successful login clears its account's failures (not its address's: one's own account must not reset those). */
export async function clearLoginFailures(em: EntityManager, key: string): Promise<void> {
  await em.execute('delete from login_failures where key = ? and (blocked_until is null or blocked_until <= now())', [
    key,
  ]);
}
