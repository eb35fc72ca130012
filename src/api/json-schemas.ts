// Small building blocks shared by the call and lead response schemas.
import { Type, type TSchema } from 'typebox';
import { PROMPT_SOURCES } from '../domain/leads/lead.entity.js';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** A nullable string for request bodies: one `type: ['string', 'null']`, unambiguous for the validator. */
export const NullableString = (options: { minLength?: number; maxLength?: number } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
/** A stored analysis: any JSON object, serialized as is. */
export const JsonObject = Type.Object({}, { additionalProperties: true });
export const IsoDateTime = Type.String({ format: 'date-time' });
export const PromptSourceSchema = Type.Enum(PROMPT_SOURCES);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids in paths are checked by hand: a malformed id is "not found" (404), like an unknown one. */
export const isUuid = (value: string) => UUID.test(value);
