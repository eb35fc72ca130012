// The output schema check the editor runs as you type, kept apart from CodeMirror so forms can use it without
// loading the editor.

/** Why the text is not an acceptable output schema, or null. The server checks the rest of strict mode. */
export function schemaError(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'The schema must be a JSON object';
  if ((parsed as { type?: unknown }).type !== 'object') return 'The schema must have "type": "object"';
  return null;
}
