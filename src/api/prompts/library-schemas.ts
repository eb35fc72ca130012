// Shapes of the prompt library routes (/prompts): prompts, their versions and labels, runs.
import { Type } from 'typebox';
import { REASONING_EFFORTS } from '../../domain/prompts/prompt.entity.js';
import { Nullable, NullableString, TranscriptSchema } from '../schemas/common.js';

const Kind = Type.Union([Type.Literal('individual'), Type.Literal('complete')]);
const Person = Nullable(Type.Object({ id: Type.String(), email: Type.String() }));
const Effort = Nullable(Type.Enum(REASONING_EFFORTS));

/** What a version is made of: a saved version adds its change note, a draft run may name its kind. */
const VersionFields = {
  instructions: Type.String({ minLength: 1, maxLength: 32_000 }),
  input: Type.Optional(NullableString({ maxLength: 32_000 })),
  model: Type.String({ minLength: 1, maxLength: 128 }),
  reasoningEffort: Type.Optional(Effort),
  temperature: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 2 }))),
  maxOutputTokens: Type.Optional(Nullable(Type.Integer({ minimum: 16, maximum: 200_000 }))),
  outputSchema: Type.Object({}, { additionalProperties: true }),
};

export const VersionBody = Type.Object(
  { ...VersionFields, note: Type.Optional(NullableString({ maxLength: 1000 })) },
  { additionalProperties: false },
);

export const CreatePromptBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Kind,
    description: Type.Optional(NullableString({ maxLength: 2000 })),
    version: VersionBody,
    replaces: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

const PromptFields = {
  id: Type.String(),
  name: Type.String(),
  kind: Kind,
  description: Nullable(Type.String()),
  builtIn: Type.Boolean(),
  createdBy: Person,
  latestVersion: Type.Integer(),
  labels: Type.Record(Type.String(), Type.Integer()),
  updatedAt: Type.String({ format: 'date-time' }),
};

/** A library row: the production version's model and warnings come along for the table. */
export const PromptSummary = Type.Object({
  ...PromptFields,
  productionVersion: Type.Integer(),
  model: Type.String(),
  warnings: Type.Array(Type.String()),
});

export const PromptDetail = Type.Object({
  ...PromptFields,
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      note: Nullable(Type.String()),
      model: Type.String(),
      createdBy: Person,
      createdAt: Type.String({ format: 'date-time' }),
    }),
  ),
});

export const CreatedPrompt = Type.Object({
  ...PromptFields,
  replaced: Type.Optional(Type.Array(Type.Object({ userId: Type.String(), field: Type.String() }))),
});

export const Version = Type.Object({
  promptId: Type.String(),
  version: Type.Integer(),
  instructions: Type.String(),
  input: Nullable(Type.String()),
  model: Type.String(),
  reasoningEffort: Effort,
  temperature: Nullable(Type.Number()),
  maxOutputTokens: Nullable(Type.Integer()),
  outputSchema: Type.Object({}, { additionalProperties: true }),
  note: Nullable(Type.String()),
  createdBy: Person,
  createdAt: Type.String({ format: 'date-time' }),
  warnings: Type.Array(Type.String()),
});

// Version numbers fit PostgreSQL's integer: a larger one is a 400 here, not a failed query.
const VersionNumber = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const PromptParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const VersionParams = Type.Object({ id: Type.String({ maxLength: 100 }), version: VersionNumber });
export const LabelParams = Type.Object({ id: Type.String({ maxLength: 100 }), label: Type.String({ maxLength: 100 }) });
export const LabelBody = Type.Object({ version: VersionNumber }, { additionalProperties: false });
export const ListQuery = Type.Object({ kind: Type.Optional(Kind) }, { additionalProperties: false });
export const DuplicateBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), version: Type.Optional(VersionNumber) },
  { additionalProperties: false },
);

const DraftVersion = Type.Object({ ...VersionFields, kind: Type.Optional(Kind) }, { additionalProperties: false });

export const RunBody = Type.Object(
  {
    prompt: Type.Union([Type.String({ maxLength: 300 }), DraftVersion]),
    transcript: Type.Optional(TranscriptSchema),
    callId: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
