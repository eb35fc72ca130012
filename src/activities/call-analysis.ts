// Activities of callAnalysisWorkflow: each one I/O step, each safe to run again. Only ids, prompt references and
// small status objects pass through Temporal: the transcript is read here and the analysis written here.
import { randomUUID } from 'node:crypto';
import { Context, log } from '@temporalio/activity';
import { Call } from '../domain/calls/call.entity.js';
import { Lead } from '../domain/leads/lead.entity.js';
import { Analysis } from '../domain/analyses/analysis.entity.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { resolvePromptLine, type PromptCandidate } from '../domain/prompts/prompt-resolver.js';
import { startCallAnalysis } from '../domain/calls/analysis-start.js';
import { knownPrompts } from '../domain/prompts/settings-sql.js';
import { callPromptContext } from '../domain/prompts/prompt-context.js';
import { OpenAINotConfiguredError } from '../openai/errors.js';
import { budgetMessage, nextUtcDay } from '../domain/usage/budget.js';
import { signalLeadWorkflow } from '../temporal/starters.js';
import { CallNotFoundError, asBookkeeping } from './failures.js';
import { databaseFailure, type RetryWindow } from './openai-retry.js';
import { forgetAnswer, recallAnswer, rememberAnswer } from './answer-cache.js';
import { answerRecord, askPrompt, type PromptAnswer } from './prompt-answer.js';
import { storeCallAnalysis } from '../domain/analyses/store-call-analysis.js';
import { forgetBusyTries } from './tenant-slots.js';
import { versionSpecOf } from './version-specs.js';
import { heartbeating } from './heartbeat.js';
import { recordCallFailed } from '../domain/events/record-event.js';
import type { ActivityDeps } from './deps.js';

export interface CallRef {
  organizationId: string;
  callRowId: string;
}

/** What the workflow learns about a stored analysis: a reference and its provenance, never its content. */
export interface StoredAnalysisRef {
  analysisId: string;
  promptId: string;
  promptVersion: number;
  promptSource: 'user' | 'organization' | 'system';
}

/** One analysis row per workflow run: a retried or replayed activity finds it instead of writing another. */
function runKeyOf(kind: string): string {
  const execution = Context.current().info.workflowExecution;
  return `${execution?.workflowId}:${execution?.runId}:${kind}`;
}

export function createCallAnalysisActivities(deps: ActivityDeps) {
  const { orm, config, temporal } = deps;
  return {
    /**
     * Moves the call to `analyzing` and returns the prompts to try. `finished` when the call is analysed already
     * (a duplicate start); a re-analysis runs regardless, a failed or stuck call runs again.
     */
    async beginCallAnalysis({ organizationId, callRowId, reanalysis }: CallRef & { reanalysis?: boolean }): Promise<{
      finished: boolean;
      /** Why the call waits in `queued` (no OpenAI key on this worker); absent when it runs. */
      waiting?: string;
      candidates: PromptCandidate[];
      fallbackReason: string | null;
    }> {
      return asBookkeeping('Starting the analysis', async () => {
        const em = tenantEm(orm.em, organizationId);
        if (!deps.openai.configured) {
          const call = await em.findOne(Call, { id: callRowId }, { fields: ['id', 'status'] });
          if (!call) throw new CallNotFoundError();
          if (call.status === 'analyzed' && !reanalysis)
            return { finished: true, candidates: [], fallbackReason: null };
          // Nothing fails for want of a key: the call waits, saying why, until a worker with one picks it up.
          const waiting = new OpenAINotConfiguredError().message;
          await em.nativeUpdate(Call, { id: callRowId }, { status: 'queued', error: waiting });
          return { finished: false, waiting, candidates: [], fallbackReason: null };
        }
        const budget = config.openai.tokenBudgetPerDay;
        const waiting = budgetMessage({ budget, resetsAt: nextUtcDay() });
        const start = await startCallAnalysis(em, {
          organizationId,
          callRowId,
          reanalysis: reanalysis === true,
          budget,
          waiting,
        });
        if (start.previous === null) throw new CallNotFoundError();
        if (start.status === null) return { finished: true, candidates: [], fallbackReason: null };
        if (start.status === 'queued') {
          // Kept, not failed: the call-reconciliation schedule starts it again once the day's budget is back.
          deps.metrics?.recordBudgetWait('individual');
          return { finished: false, waiting, candidates: [], fallbackReason: null };
        }
        // A deleted user's call runs the organization's default, else the built-in prompt.
        const line = await resolvePromptLine(
          em,
          { user: start.user_setting, organization: start.organization_setting },
          'individual',
          config.openai.defaultModel,
          {
            prompts: knownPrompts(start),
            version: (promptId, version) =>
              versionSpecOf(em, organizationId, { promptId, version }, config.openai.defaultModel),
          },
        );
        return { finished: false, candidates: line.candidates, fallbackReason: line.fallbackReason };
      });
    },

    /**
     * Runs a prompt on the call's transcript and stores the analysis (call row and history) in one transaction.
     * Retried by Temporal within the analysis's retry window; see openai-retry.ts for which prompt each try uses.
     */
    async extractCallAnalysis(
      input: CallRef & { candidates: PromptCandidate[]; fallbackReason: string | null; window: RetryWindow },
    ): Promise<StoredAnalysisRef> {
      const { organizationId, callRowId, window } = input;
      const runKey = runKeyOf('individual');
      return heartbeating(async (signal) => {
        const em = tenantEm(orm.em, organizationId);
        let call;
        try {
          call = await callPromptContext(em, organizationId, callRowId, runKey);
        } catch (error) {
          throw databaseFailure(error, 'Reading the call', window);
        }
        if (call?.stored) return call.stored;
        if (!call) throw databaseFailure(new CallNotFoundError(), 'Reading the call', window);

        const answer =
          recallAnswer<PromptAnswer>(runKey) ??
          (await askPrompt(deps, {
            organizationId,
            runKey,
            kind: 'individual',
            candidates: input.candidates,
            fallbackReason: input.fallbackReason,
            variables: call.variables,
            window,
            signal,
          }));

        const analysisId = randomUUID();
        try {
          await storeCallAnalysis(
            em,
            {
              organizationId,
              callRowId,
              userId: call.userId,
              analysisId,
              runKey,
              ...answerRecord(answer),
            },
            config.openai.prices,
          );
        } catch (error) {
          rememberAnswer(runKey, answer);
          throw databaseFailure(error, 'Storing the analysis', window);
        }
        forgetAnswer(runKey);
        forgetBusyTries(runKey);
        if (answer.fallbackReason) {
          log.info('call analysed with a later prompt of its resolution line', {
            callRowId,
            promptId: answer.prompt.promptId,
            promptVersion: answer.prompt.version,
            fallbackReason: answer.fallbackReason,
          });
        }
        return {
          analysisId,
          promptId: answer.prompt.promptId,
          promptVersion: answer.prompt.version,
          promptSource: answer.prompt.source,
        };
      });
    },

    /** Records a definite failure: the call shows a plain message, the history keeps a failed entry. */
    async failCallAnalysis({
      organizationId,
      callRowId,
      error,
      promptId,
      promptVersion,
      promptSource,
    }: CallRef & {
      error: string;
      promptId?: string | undefined;
      promptVersion?: number | undefined;
      promptSource?: 'user' | 'organization' | 'system' | undefined;
    }): Promise<void> {
      const runKey = runKeyOf('individual');
      return asBookkeeping('Recording the failure', async () => {
        const em = tenantEm(orm.em, organizationId);
        const call = await em.findOne(Call, { id: callRowId }, { fields: ['id', 'user'] });
        if (!call) return;
        const message = error.replaceAll('\u0000', '').slice(0, 4000);
        await em.transactional(async (tx) => {
          await tx
            .createQueryBuilder(Analysis)
            .insert({
              id: randomUUID(),
              organization: organizationId,
              kind: 'individual',
              outcome: 'failed',
              callId: callRowId,
              userId: call.user,
              promptId: promptId ?? null,
              promptVersion: promptVersion ?? null,
              promptSource: promptSource ?? null,
              error: message,
              runKey,
              createdAt: new Date(),
            })
            .onConflict('runKey')
            .ignore()
            .execute('run');
          await tx.nativeUpdate(Call, { id: callRowId }, { status: 'failed', error: message });
          await recordCallFailed(tx, { organizationId, callRowId, factKey: runKey, error: message });
        });
      });
    },

    /**
     * Hands the analysed call to the lead's workflow, starting it when it is not running (signal-with-start).
     * The lead's workflow carries the lead's assignee as its user, which is read here (it may differ from the
     * call's user); only runs started without a lead id look the lead up through the call.
     */
    async notifyLeadWorkflow(input: CallRef & { leadId?: string | undefined }): Promise<string> {
      const { organizationId, callRowId, leadId } = input;
      const lead = await asBookkeeping('Finding the lead', async () => {
        const em = tenantEm(orm.em, organizationId);
        let id = leadId;
        if (!id) {
          const call = await em.findOne(Call, { id: callRowId }, { fields: ['id', 'lead'] });
          if (!call) throw new CallNotFoundError();
          id = call.lead;
        }
        const found = await em.findOne(Lead, { id }, { fields: ['id', 'assignedTo'] });
        if (!found) throw new CallNotFoundError();
        return found;
      });
      return signalLeadWorkflow(temporal, config, {
        organizationId,
        leadId: lead.id,
        userId: lead.assignedTo ?? null,
        callRowId,
      });
    },
  };
}

export type CallAnalysisActivities = ReturnType<typeof createCallAnalysisActivities>;
