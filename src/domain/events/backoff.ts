// When a failed delivery is tried again: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the failures, then it is
// `failed` (eight attempts in all). Tests shorten the delays with EVENTS_RETRY_DELAYS_MS.
const DEFAULT_RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** An endpoint whose deliveries have all failed for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;

/** The pause after the `failedAttempts`-th failure of a round, or null: no attempt is left. */
export function retryDelayMs(
  failedAttempts: number,
  delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
): number | null {
  return failedAttempts >= 1 && failedAttempts <= delays.length ? delays[failedAttempts - 1]! : null;
}
