// Request validation. Query strings, params and headers arrive as text, so they are type-coerced;
// JSON bodies are typed already and are not: `"yes"` is no boolean and `null` never becomes `""`.
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS: its default export is the function under ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const common: Options = {
  // One rule for unknown fields: schemas say additionalProperties: false, and they are rejected.
  removeAdditional: false,
  allErrors: true,
  useDefaults: true,
  strict: false, // TypeBox adds its own annotation keys
  addUsedSchema: false,
};

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object);
}
