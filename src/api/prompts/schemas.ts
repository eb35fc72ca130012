// Shapes of the prompt configuration routes. References are checked by the handlers, not here, so a 400
// can name every failing field (format, resolution and live check alike) as `details: { <field>: "<why>" }`.
import { Type } from 'typebox';
import { Nullable, NullableString, PromptSourceSchema, TranscriptSchema } from '../schemas/common.js';

// Generous bound: anything longer is no prompt id, and a 400 for it is fine.
const PromptIdInput = Type.String({ maxLength: 1000 });
const NullablePromptId = NullableString({ maxLength: 1000 });
const NullableId = Nullable(Type.String());

export const PromptPatchBody = Type.Object(
  {
    openai_individual_prompt_id: Type.Optional(NullablePromptId),
    openai_complete_prompt_id: Type.Optional(NullablePromptId),
  },
  { additionalProperties: false },
);

export const BulkPromptBody = Type.Object(
  {
    userIds: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 500 }),
    openai_individual_prompt_id: Type.Optional(NullablePromptId),
    openai_complete_prompt_id: Type.Optional(NullablePromptId),
  },
  { additionalProperties: false },
);

const Resolved = Type.Object({
  promptId: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  model: Type.String(),
  source: PromptSourceSchema,
});

export const PromptSettings = Type.Object({
  openai_individual_prompt_id: NullableId,
  openai_complete_prompt_id: NullableId,
  system_defaults: Type.Object({ individual: Type.String(), complete: Type.String() }),
  organization_defaults: Type.Object({ individual: NullableId, complete: NullableId }),
  effective: Type.Object({ individual: Resolved, complete: Resolved }),
  legacy: Type.Object(
    {
      openai_individual_prompt_id: Type.Optional(Type.String()),
      openai_complete_prompt_id: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
});

export const PromptDefaults = Type.Object({ individual: NullableId, complete: NullableId });

export const PromptDefaultsBody = Type.Object(
  { individual: Type.Optional(NullablePromptId), complete: Type.Optional(NullablePromptId) },
  { additionalProperties: false },
);

export const PromptHistory = Type.Array(
  Type.Object({
    id: Type.String(),
    field: Type.Union([Type.Literal('openai_individual_prompt_id'), Type.Literal('openai_complete_prompt_id')]),
    oldValue: NullableId,
    newValue: NullableId,
    changedBy: Type.Object({ id: Type.String(), email: Type.String() }),
    changedAt: Type.String({ format: 'date-time' }),
  }),
);

export const ValidateBody = Type.Object({ promptId: PromptIdInput }, { additionalProperties: false });

export const Validation = Type.Object({
  valid: Type.Boolean(),
  error: Type.Optional(Type.String()),
  details: Type.Optional(
    Type.Object({
      promptId: Type.String(),
      promptVersion: Type.Integer(),
      model: Type.String(),
      temperature: Nullable(Type.Number()),
      reasoningEffort: Nullable(Type.String()),
      shutdownDate: Nullable(Type.String()),
      warnings: Type.Array(Type.String()),
    }),
  ),
});

export const RevertBody = Type.Object({ historyId: Type.String({ maxLength: 100 }) }, { additionalProperties: false });

export const PreviewBody = Type.Object(
  {
    promptId: PromptIdInput,
    // The same transcript forms a call webhook accepts.
    transcript: TranscriptSchema,
  },
  { additionalProperties: false },
);

const Usage = Type.Union([
  Type.Object({ inputTokens: Type.Integer(), outputTokens: Type.Integer(), totalTokens: Type.Integer() }),
  Type.Null(),
]);

export const Preview = Type.Object({
  output: Type.Object({}, { additionalProperties: true }),
  model: Type.String(),
  promptId: Type.String(),
  promptVersion: Type.Integer(),
  usage: Usage,
});

export const RunResult = Type.Object({
  output: Type.Unknown(),
  valid: Type.Boolean(),
  errors: Type.Array(Type.String()),
  model: Type.String(),
  promptId: Nullable(Type.String()),
  promptVersion: Nullable(Type.Integer()),
  usage: Usage,
});

export const BulkResult = Type.Object({
  results: Type.Array(Type.Object({ userId: Type.String(), ok: Type.Boolean(), error: Type.Optional(Type.String()) })),
});
