// PostgreSQL text cannot hold NUL (U+0000); JSON can (`\u0000`). Such a body is refused up front as a 400.
export const NUL_MESSAGE = 'Text fields must not contain NUL characters (\\u0000)';

export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([key, v]) => key.includes('\u0000') || containsNul(v));
  return false;
}
