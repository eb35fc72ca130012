// The complete analysis receives the lead, the previous complete analysis and only the individual analyses not
// yet folded into it, so its input does not grow with the number of calls. Without an input template of its
// own, a complete prompt receives them as one JSON document; templates reach them as variables.
import type { ILead } from './lead.entity.js';
import type { TemplateVariables } from '../prompts/template.js';

/** What a fold sends of the lead. */
export type FoldLead = Pick<
  ILead,
  'id' | 'externalId' | 'name' | 'phone' | 'email' | 'status' | 'callCount' | 'completeAnalysis'
>;

/** What a fold sends of each new call analysis. */
export interface FoldCall {
  callId: string;
  startedAt: Date | null;
  durationSeconds: number | null;
  analysis: Record<string, unknown> | null;
}

function buildCompleteAnalysisInput(lead: FoldLead, newCalls: FoldCall[]) {
  return {
    lead: {
      id: lead.id,
      externalId: lead.externalId,
      name: lead.name,
      phone: lead.phone,
      email: lead.email,
      status: lead.status,
      callCount: lead.callCount,
    },
    previousAnalysis: lead.completeAnalysis ?? null,
    newAnalyses: newCalls.map((call) => ({
      callId: call.callId,
      startedAt: call.startedAt?.toISOString() ?? null,
      durationSeconds: call.durationSeconds ?? null,
      analysis: call.analysis,
    })),
  };
}

/** A fold's variables (the lead's and its rep's, plus the two JSON ones) and its default input document. */
export function completePromptInput(lead: FoldLead, newCalls: FoldCall[], variables: TemplateVariables) {
  const document = buildCompleteAnalysisInput(lead, newCalls);
  return {
    variables: {
      ...variables,
      'lead.previousAnalysis': JSON.stringify(document.previousAnalysis),
      'lead.newAnalyses': JSON.stringify(document.newAnalyses),
    },
    defaultInput: JSON.stringify(document),
  };
}
