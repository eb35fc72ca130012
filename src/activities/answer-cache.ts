// OpenAI answers that arrived but could not be stored yet (PostgreSQL down): kept in this process for the
// activity's next attempt, so a database blip does not pay OpenAI twice. Bounded; best effort (a retry on
// another worker asks OpenAI again, which is still correct).
const MAX_ENTRIES = 500;
const TTL_MS = 60 * 60_000;

const entries = new Map<string, { value: unknown; at: number }>();

export function rememberAnswer(key: string, value: unknown): void {
  entries.delete(key);
  entries.set(key, { value, at: Date.now() });
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}

export function recallAnswer<T>(key: string): T | undefined {
  const entry = entries.get(key);
  if (!entry || Date.now() - entry.at > TTL_MS) return undefined;
  return entry.value as T;
}

export function forgetAnswer(key: string): void {
  entries.delete(key);
}
