// Output schemas of prompt versions: what OpenAI's strict structured outputs accept (checked when a version is
// saved), the fields lead scoring reads, and validation of a model's answer with Ajv (compiled once per schema).
import { createHash } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';

/** Top-level fields the scoring features read (src/domain/scoring/features.ts). */
const SCORING_FIELDS = [
  'sentiment',
  'interestLevel',
  'budget',
  'timeline',
  'decisionMaker',
  'objections',
  'nextSteps',
] as const;

// Keywords strict structured outputs support; anything else is refused before it reaches OpenAI.
const SUPPORTED_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  'description',
  'title',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'pattern',
  'format',
  '$defs',
  'definitions',
  '$ref',
  'default',
]);
const MAX_DEPTH = 10;
const MAX_PROPERTIES = 5000;

/** Why the schema would be refused by strict structured outputs, one line per problem (empty: acceptable). */
export function strictSchemaErrors(schema: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(schema)) return ['must be a JSON object'];
  if (schema.type !== 'object') errors.push('the root must have type "object"');
  let properties = 0;
  const visit = (node: unknown, path: string, depth: number) => {
    if (errors.length > 20) return;
    if (!isObject(node)) {
      errors.push(`${path}: must be a schema object`);
      return;
    }
    if (depth > MAX_DEPTH) {
      errors.push(`${path}: nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    for (const key of Object.keys(node)) {
      if (!SUPPORTED_KEYWORDS.has(key)) errors.push(`${path}: the keyword "${key}" is not supported`);
    }
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes('object') || isObject(node.properties)) {
      const props = isObject(node.properties) ? node.properties : {};
      const names = Object.keys(props);
      properties += names.length;
      if (node.additionalProperties !== false) errors.push(`${path}: must set "additionalProperties": false`);
      const required = Array.isArray(node.required) ? node.required : [];
      const missing = names.filter((name) => !required.includes(name));
      if (missing.length) errors.push(`${path}: "required" must list every property (missing ${missing.join(', ')})`);
      const extra = required.filter((name) => typeof name !== 'string' || !names.includes(name));
      if (extra.length) errors.push(`${path}: "required" names properties that do not exist (${extra.join(', ')})`);
      for (const name of names) visit(props[name], `${path}.properties.${name}`, depth + 1);
    }
    if (node.items !== undefined) visit(node.items, `${path}.items`, depth + 1);
    if (Array.isArray(node.anyOf)) {
      for (const [i, item] of node.anyOf.entries()) visit(item, `${path}.anyOf[${i}]`, depth + 1);
    }
    for (const defs of ['$defs', 'definitions'] as const) {
      const group = node[defs];
      if (isObject(group))
        for (const [name, item] of Object.entries(group)) visit(item, `${path}.${defs}.${name}`, depth + 1);
    }
    if (
      node.type === undefined &&
      node.anyOf === undefined &&
      node.$ref === undefined &&
      node.enum === undefined &&
      node.const === undefined
    ) {
      errors.push(`${path}: needs a "type"`);
    }
  };
  visit(schema, '$', 0);
  if (properties > MAX_PROPERTIES) errors.push(`more than ${MAX_PROPERTIES} properties in all`);
  if (!errors.length) {
    try {
      compiled(schema);
    } catch (error) {
      errors.push(`not a valid JSON Schema: ${(error as Error).message}`);
    }
  }
  return errors;
}

/** Scoring fields the schema does not offer at its top level. */
export function missingScoringFields(schema: unknown): string[] {
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  return SCORING_FIELDS.filter((field) => !(field in properties));
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validators = new Map<string, ValidateFunction>();
const MAX_VALIDATORS = 500;

function compiled(schema: Record<string, unknown>): ValidateFunction {
  const key = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    // Bounded: schemas are few, but a long-running API compiles every draft it is shown.
    if (validators.size >= MAX_VALIDATORS) validators.delete(validators.keys().next().value!);
    validators.set(key, validate);
  }
  return validate;
}

/** Why `value` does not match the schema, one line per problem (empty: it matches). */
export function schemaViolations(schema: Record<string, unknown>, value: unknown): string[] {
  const validate = compiled(schema);
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
