// Activities of callAnalysisWorkflow: each one I/O step, each safe to run again.
import { Call } from '../domain/calls/call.entity.js';
import { User } from '../domain/accounts/user.entity.js';
import { Lead } from '../domain/leads/lead.entity.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { promptCandidates, systemDefaults, userPromptFor, type ResolvedPrompt } from '../domain/prompts/prompt-resolver.js';
import { parseJsonObject } from '../openai/gateway.js';
import { leadWorkflowId } from '../temporal/ids.js';
import { tenantSearchAttributes } from '../temporal/search-attributes.js';
import { asActivity } from './failures.js';
import { heartbeating } from './heartbeat.js';
import type { ActivityDeps } from './deps.js';

export interface CallRef {
  organizationId: string;
  callRowId: string;
}

export interface ExtractionResult {
  analysis: Record<string, unknown>;
  model: string;
  promptVersion: string | null;
}

export function createCallAnalysisActivities({ orm, openai, config, temporal }: ActivityDeps) {
  return {
    /** Moves the call to `analyzing` and returns the prompts to try; `finished` when a previous run already ended it. */
    async beginCallAnalysis({ organizationId, callRowId }: CallRef): Promise<{ finished: boolean; candidates: ResolvedPrompt[] }> {
      const em = tenantEm(orm.em, organizationId);
      const call = await em.findOneOrFail(Call, { id: callRowId });
      if (call.status === 'analyzed' || call.status === 'failed') return { finished: true, candidates: [] };
      // A deleted user's call is analysed with the system default prompt.
      const user = call.user ? await em.findOne(User, { id: call.user }) : null;
      call.status = 'analyzing';
      await em.flush();
      return {
        finished: false,
        candidates: promptCandidates(userPromptFor(user ?? {}, 'individual'), systemDefaults(config.openai).individual),
      };
    },

    /** Runs the stored prompt on the call's transcript; the output must be a JSON object. */
    async extractCallAnalysis({ organizationId, callRowId, promptId }: CallRef & { promptId: string }): Promise<ExtractionResult> {
      return asActivity(() => heartbeating(async (signal) => {
        const em = tenantEm(orm.em, organizationId);
        const call = await em.findOneOrFail(Call, { id: callRowId }, { fields: ['id', 'transcript'] });
        const result = await openai.runPrompt({ promptId, input: call.transcript, signal });
        return { analysis: parseJsonObject(result.outputText), model: result.model, promptVersion: result.promptVersion };
      }));
    },

    async completeCallAnalysis(input: CallRef & ExtractionResult & { prompt: ResolvedPrompt }): Promise<void> {
      const em = tenantEm(orm.em, input.organizationId);
      // Guarded by status so a retried activity never records a second analysis.
      await em.nativeUpdate(Call, { id: input.callRowId, status: { $ne: 'analyzed' } }, {
        status: 'analyzed',
        analysis: input.analysis,
        promptId: input.prompt.promptId,
        promptSource: input.prompt.source,
        promptVersion: input.promptVersion,
        model: input.model,
        error: null,
        analyzedAt: new Date(),
      });
    },

    async failCallAnalysis({ organizationId, callRowId, error }: CallRef & { error: string }): Promise<void> {
      const em = tenantEm(orm.em, organizationId);
      await em.nativeUpdate(Call, { id: callRowId, status: { $ne: 'analyzed' } }, { status: 'failed', error: error.slice(0, 4000) });
    },

    /** Hands the analysed call to the lead's workflow, starting it when it is not running (signal-with-start). */
    async notifyLeadWorkflow({ organizationId, callRowId }: CallRef): Promise<string> {
      const em = tenantEm(orm.em, organizationId);
      const call = await em.findOneOrFail(Call, { id: callRowId }, { fields: ['id', 'lead'] });
      const lead = await em.findOneOrFail(Lead, { id: call.lead }, { fields: ['id', 'assignedTo', 'name', 'externalId'] });
      const workflowId = leadWorkflowId(organizationId, lead.id);
      await temporal.workflow.signalWithStart('leadAnalysisWorkflow', {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        args: [{ organizationId, leadId: lead.id, openai: { requestTimeoutMs: config.openai.timeoutMs } }],
        signal: 'callAnalyzed',
        signalArgs: [{ callRowId }],
        typedSearchAttributes: tenantSearchAttributes({ organizationId, userId: lead.assignedTo, leadId: lead.id }),
        memo: { summary: `Lead ${lead.name ?? lead.externalId}` },
      });
      return workflowId;
    },
  };
}

export type CallAnalysisActivities = ReturnType<typeof createCallAnalysisActivities>;
