// The lead as clients see it: ISO-8601 times, null where absent.
import { Type, type Static } from 'typebox';
import { LEAD_STATUSES, type ILead } from '../../domain/leads/lead.entity.js';
import { Uuid, IsoDateTime, JsonObject, Nullable, PromptSourceSchema } from '../schemas/common.js';

export const LeadStatusSchema = Type.Enum(LEAD_STATUSES);

export const LeadSchema = Type.Object({
  id: Uuid,
  externalId: Type.String(),
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  status: LeadStatusSchema,
  assignedToId: Nullable(Uuid),
  score: Nullable(Type.Number()),
  completeAnalysis: Nullable(JsonObject),
  completeAnalysisPromptId: Nullable(Type.String()),
  completeAnalysisPromptVersion: Nullable(Type.Integer()),
  completeAnalysisPromptSource: Nullable(PromptSourceSchema),
  callCount: Type.Integer(),
  updatedAt: IsoDateTime,
});
export type LeadDto = Static<typeof LeadSchema>;

/** GET /leads/:id: the lead plus a link to its lead workflow in the Temporal UI (null when unknown). */
export const LeadDetailSchema = Type.Object({ ...LeadSchema.properties, workflowUrl: Nullable(Type.String()) });

export function toLeadDto(lead: ILead): LeadDto {
  return {
    id: lead.id,
    externalId: lead.externalId,
    name: lead.name ?? null,
    phone: lead.phone ?? null,
    email: lead.email ?? null,
    status: lead.status,
    assignedToId: lead.assignedTo ?? null,
    // A double column: the ORM's type also allows a string, the value is a number.
    score: lead.score == null ? null : Number(lead.score),
    completeAnalysis: lead.completeAnalysis ?? null,
    completeAnalysisPromptId: lead.completeAnalysisPromptId ?? null,
    completeAnalysisPromptVersion: lead.completeAnalysisPromptVersion ?? null,
    completeAnalysisPromptSource: lead.completeAnalysisPromptSource ?? null,
    callCount: lead.callCount,
    updatedAt: lead.updatedAt.toISOString(),
  };
}
