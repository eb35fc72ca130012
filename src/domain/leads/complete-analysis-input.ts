// The complete analysis receives the lead, the previous complete analysis and only the
// individual analyses not yet folded into it, so its input does not grow with the number of calls.
import type { ILead } from './lead.entity.js';
import type { ICall } from '../calls/call.entity.js';

export function buildCompleteAnalysisInput(lead: ILead, newCalls: ICall[]) {
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
    previousCompleteAnalysis: lead.completeAnalysis ?? null,
    newCallAnalyses: newCalls.map((call) => ({
      callId: call.callId,
      startedAt: call.startedAt?.toISOString() ?? null,
      durationSeconds: call.durationSeconds ?? null,
      analysis: call.analysis,
    })),
  };
}
