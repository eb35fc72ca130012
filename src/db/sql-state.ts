/** The SQLSTATE of a PostgreSQL error, wherever MikroORM or node-postgres put it. */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, sqlState } = current as { code?: unknown; sqlState?: unknown };
    for (const candidate of [sqlState, code])
      if (typeof candidate === 'string' && /^[0-9A-Z]{5}$/.test(candidate)) return candidate;
    current =
      (current as { cause?: unknown; previous?: unknown }).cause ?? (current as { previous?: unknown }).previous;
  }
  return undefined;
}
