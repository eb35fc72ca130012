// Activities of leadAnalysisWorkflow: fold new call analyses into the lead's complete analysis, then score.
import { Call } from '../domain/calls/call.entity.js';
import { Lead } from '../domain/leads/lead.entity.js';
import { User } from '../domain/accounts/user.entity.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { promptCandidates, systemDefaults, userPromptFor, type ResolvedPrompt } from '../domain/prompts/prompt-resolver.js';
import { buildCompleteAnalysisInput } from '../domain/leads/complete-analysis-input.js';
import { scoreLeadWithActiveModel } from '../domain/scoring/score-lead.js';
import { parseJsonObject } from '../openai/gateway.js';
import { asActivity } from './failures.js';
import { heartbeating } from './heartbeat.js';
import type { ActivityDeps } from './deps.js';

export interface LeadRef {
  organizationId: string;
  leadId: string;
}

/** At most this many new call analyses go into one fold; the rest wait for the next one. */
export const MAX_CALLS_PER_FOLD = 25;

export function createLeadAnalysisActivities({ orm, openai, config }: ActivityDeps) {
  const unfolded = (leadId: string) => ({ lead: leadId, status: 'analyzed' as const, foldedAt: null });

  return {
    /** How many analysed calls wait to be folded, and the complete-analysis prompts to try. */
    async prepareLeadFold({ organizationId, leadId }: LeadRef): Promise<{ pending: number; candidates: ResolvedPrompt[] }> {
      const em = tenantEm(orm.em, organizationId);
      const lead = await em.findOneOrFail(Lead, { id: leadId });
      const pending = await em.count(Call, unfolded(leadId));
      const user = lead.assignedTo ? await em.findOne(User, { id: lead.assignedTo }) : null;
      const candidates = promptCandidates(user ? userPromptFor(user, 'complete') : null, systemDefaults(config.openai).complete);
      return { pending, candidates };
    },

    /**
     * Folds the oldest unfolded analyses into the previous complete analysis. Idempotent: calls are marked
     * folded in the same transaction that stores the new analysis, so a retry after a crash finds nothing to do.
     */
    async foldLeadAnalysis({ organizationId, leadId, prompt }: LeadRef & { prompt: ResolvedPrompt }): Promise<{ folded: number; remaining: number; inputBytes: number }> {
      return asActivity(() => heartbeating(async (signal) => {
        const em = tenantEm(orm.em, organizationId);
        const lead = await em.findOneOrFail(Lead, { id: leadId });
        const calls = await em.find(Call, unfolded(leadId), { orderBy: { analyzedAt: 'asc', id: 'asc' }, limit: MAX_CALLS_PER_FOLD });
        if (calls.length === 0) return { folded: 0, remaining: 0, inputBytes: 0 };
        const input = JSON.stringify(buildCompleteAnalysisInput(lead, calls));
        const result = await openai.runPrompt({ promptId: prompt.promptId, input, signal });
        const analysis = parseJsonObject(result.outputText);
        await em.transactional(async (tx) => {
          const marked = await tx.nativeUpdate(Call, { id: { $in: calls.map((c) => c.id) }, foldedAt: null }, { foldedAt: new Date() });
          if (marked !== calls.length) throw new Error('Calls were folded concurrently; retrying');
          await tx.nativeUpdate(Lead, { id: leadId }, {
            completeAnalysis: analysis,
            completeAnalysisPromptId: prompt.promptId,
            completeAnalysisPromptSource: prompt.source,
            completeAnalysisPromptVersion: result.promptVersion,
            completeAnalysisModel: result.model,
            completeAnalysisAt: new Date(),
            updatedAt: new Date(),
          });
        });
        const remaining = await em.count(Call, unfolded(leadId));
        return { folded: calls.length, remaining, inputBytes: Buffer.byteLength(input) };
      }));
    },

    /** Scores the lead with its user's active model (a WON/LOST lead keeps its last score). */
    async scoreLead({ organizationId, leadId }: LeadRef): Promise<number | null> {
      const em = tenantEm(orm.em, organizationId);
      return scoreLeadWithActiveModel(em, leadId);
    },
  };
}

export type LeadAnalysisActivities = ReturnType<typeof createLeadAnalysisActivities>;
