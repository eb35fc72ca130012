// Building blocks every route's schemas share: ids, the error body, nullable values, times and transcripts.
import { Type, type Static, type TSchema } from 'typebox';
import { PROMPT_SOURCES } from '../../domain/leads/lead.entity.js';
import { MAX_TRANSCRIPT_CHARS } from '../../domain/calls/transcript.js';

export const Uuid = Type.String({ format: 'uuid' });

/**
 * The one error body of every route: { statusCode, error, message, details? }. Registered once as the shared
 * schema `Error` (plugins/error-responses.ts); routes refer to it with `ErrorRef` or `errorResponses(...)`.
 */
export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { $id: 'Error' },
);
export type ErrorBody = Static<typeof ErrorSchema>;
/** A reference to the registered error schema: the OpenAPI document names it once, under components. */
export const ErrorRef = Type.Unsafe<ErrorBody>({ $ref: 'Error#' });
/** The statuses a route answers with the error body, beyond the defaults (4xx, 5xx) and its group's 401/403. */
export const errorResponses = <const Code extends number>(...codes: Code[]) =>
  Object.fromEntries(codes.map((code) => [code, ErrorRef])) as Record<Code, typeof ErrorRef>;

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** A nullable string for request bodies: one `type: ['string', 'null']`, unambiguous for the validator. */
export const NullableString = (options: { minLength?: number; maxLength?: number } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
/** A stored analysis: any JSON object, serialized as is. */
export const JsonObject = Type.Object({}, { additionalProperties: true });
export const IsoDateTime = Type.String({ format: 'date-time' });
/** Path parameters of a route about one row by its id, or about one user. */
export const IdParams = Type.Object({ id: Type.String() });
export const UserIdParams = Type.Object({ userId: Type.String() });
export const PromptSourceSchema = Type.Enum(PROMPT_SOURCES);

const Turn = Type.Object(
  {
    role: Type.String({ minLength: 1, maxLength: 50 }),
    content: Type.String({ maxLength: 100_000 }),
  },
  { additionalProperties: false },
);
/** A call's transcript as clients send it: plain text, or the turns of the conversation. */
export const TranscriptSchema = Type.Union([
  Type.String({ minLength: 1, maxLength: MAX_TRANSCRIPT_CHARS }),
  Type.Array(Turn, { minItems: 1, maxItems: 5000 }),
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids in paths are checked by hand: a malformed id is "not found" (404), like an unknown one. */
export const isUuid = (value: string) => UUID.test(value);
