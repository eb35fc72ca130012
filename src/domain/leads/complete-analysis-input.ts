// The complete analysis receives the lead, the previous complete analysis and only the individual analyses not
// yet folded into it, so its input does not grow with the number of calls. Without an input template of its
// own, a complete prompt receives them as one JSON document; templates reach them as variables.
import type { ILead } from './lead.entity.js';
import type { ICall } from '../calls/call.entity.js';
import type { TemplateVariables } from '../prompts/template.js';

function buildCompleteAnalysisInput(lead: ILead, newCalls: ICall[]) {
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
export function completePromptInput(lead: ILead, newCalls: ICall[], variables: TemplateVariables) {
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
