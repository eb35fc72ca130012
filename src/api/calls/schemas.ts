// The call as clients see it: ISO-8601 times, null where absent.
import { Type, type Static } from 'typebox';
import { CALL_SOURCES, CALL_STATUSES, type ICall } from '../../domain/calls/call.entity.js';
import { Uuid, IsoDateTime, JsonObject, Nullable, PromptSourceSchema } from '../schemas/common.js';

export const CallStatusSchema = Type.Enum(CALL_STATUSES);

export const CallSchema = Type.Object({
  id: Uuid,
  callId: Type.String(),
  source: Type.Enum(CALL_SOURCES),
  leadId: Uuid,
  // null once the call's user has been deleted (the call stays with the organization)
  userId: Nullable(Uuid),
  status: CallStatusSchema,
  analysis: Nullable(JsonObject),
  promptId: Nullable(Type.String()),
  promptName: Nullable(Type.String()),
  promptSource: Nullable(PromptSourceSchema),
  promptVersion: Nullable(Type.Integer()),
  fallbackReason: Nullable(Type.String()),
  model: Nullable(Type.String()),
  workflowId: Type.String(),
  error: Nullable(Type.String()),
  createdAt: IsoDateTime,
  analyzedAt: Nullable(IsoDateTime),
});
export type CallDto = Static<typeof CallSchema>;

/** GET /calls/:id: the call plus its transcript and a link to its run in the Temporal UI (null when unknown). */
export const CallDetailSchema = Type.Object({
  ...CallSchema.properties,
  transcript: Type.String(),
  workflowUrl: Nullable(Type.String()),
});
export type CallDetailDto = Static<typeof CallDetailSchema>;

export const CallAnalysisEntrySchema = Type.Object({
  analysis: JsonObject,
  promptId: Nullable(Type.String()),
  promptName: Nullable(Type.String()),
  promptSource: Nullable(PromptSourceSchema),
  promptVersion: Nullable(Type.Integer()),
  fallbackReason: Nullable(Type.String()),
  model: Nullable(Type.String()),
  usage: Nullable(Type.Object({ inputTokens: Type.Integer(), outputTokens: Type.Integer() })),
  createdAt: IsoDateTime,
});

export function toCallDto(call: ICall): CallDto {
  return {
    id: call.id,
    callId: call.callId,
    source: call.source,
    leadId: call.lead,
    userId: call.user ?? null,
    status: call.status,
    analysis: call.analysis ?? null,
    promptId: call.promptId ?? null,
    promptName: call.promptName ?? null,
    promptSource: call.promptSource ?? null,
    promptVersion: call.promptVersion ?? null,
    fallbackReason: call.fallbackReason ?? null,
    model: call.model ?? null,
    workflowId: call.workflowId,
    error: call.error ?? null,
    createdAt: call.createdAt.toISOString(),
    analyzedAt: call.analyzedAt?.toISOString() ?? null,
  };
}

/** The call with its stored transcript (list items leave it out; the transcript must be populated). */
export function toCallDetailDto(call: ICall): Omit<CallDetailDto, 'workflowUrl'> {
  return { ...toCallDto(call), transcript: call.transcript };
}
