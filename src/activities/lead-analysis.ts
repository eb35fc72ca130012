// Activities of leadAnalysisWorkflow: fold new call analyses into the lead's complete analysis, then score.
// The lead's details and analyses are read and written here; Temporal sees ids and counts only.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { FailureType } from '../temporal/failure-types.js';
import { budgetMessage, nextUtcDay } from '../domain/usage/budget.js';
import { Lead } from '../domain/leads/lead.entity.js';
import { Analysis } from '../domain/analyses/analysis.entity.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { resolvePromptLine, type PromptCandidate } from '../domain/prompts/prompt-resolver.js';
import { knownPrompts } from '../domain/prompts/settings-sql.js';
import { readFoldInput, readFoldPreparation } from '../domain/leads/fold-input.js';
import { StaleFoldError, storeFold } from '../domain/leads/store-fold.js';
import { versionSpecOf } from './version-specs.js';
import { completePromptInput } from '../domain/leads/complete-analysis-input.js';
import { scoreLeadWithActiveModel } from '../domain/scoring/score-lead.js';
import { asBookkeeping } from './failures.js';
import { databaseFailure, type RetryWindow } from './openai-retry.js';
import { forgetAnswer, recallAnswer, rememberAnswer } from './answer-cache.js';
import { answerRecord, askPrompt, type PromptAnswer } from './prompt-answer.js';
import { forgetBusyTries } from './tenant-slots.js';
import { heartbeating } from './heartbeat.js';
import type { ActivityDeps } from './deps.js';

export interface LeadRef {
  organizationId: string;
  leadId: string;
}

/** At most this many new call analyses go into one fold; the rest wait for the next one. */
const MAX_CALLS_PER_FOLD = 25;

interface FoldAnswer extends PromptAnswer {
  /** What the answer was computed from: written only if the lead and calls are still as read. */
  basis: { completeAnalysisAt: string | null; calls: { id: string; analyzedAt: string | null }[] };
}

export function createLeadAnalysisActivities(deps: ActivityDeps) {
  const { orm, config } = deps;

  return {
    /** How many analysed calls wait to be folded, and the complete-analysis prompts to try (none: lead gone). */
    async prepareLeadFold({
      organizationId,
      leadId,
    }: LeadRef): Promise<{ pending: number; candidates: PromptCandidate[]; fallbackReason: string | null }> {
      return asBookkeeping('Preparing the complete analysis', async () => {
        const em = tenantEm(orm.em, organizationId);
        const read = await readFoldPreparation(em, { organizationId, leadId });
        if (!read) return { pending: 0, candidates: [], fallbackReason: null };
        const line = await resolvePromptLine(
          em,
          { user: read.user_setting, organization: read.organization_setting },
          'complete',
          config.openai.defaultModel,
          {
            prompts: knownPrompts(read),
            version: (promptId, version) =>
              versionSpecOf(em, organizationId, { promptId, version }, config.openai.defaultModel),
          },
        );
        return { pending: read.pending, candidates: line.candidates, fallbackReason: line.fallbackReason };
      });
    },

    /**
     * Folds the oldest unfolded analyses into the previous complete analysis. Idempotent: calls are marked
     * folded in the same transaction that stores the new analysis, guarded on what was read, so a retry or an
     * overlapping attempt never loses or doubles a result.
     */
    async foldLeadAnalysis(
      input: LeadRef & { candidates: PromptCandidate[]; fallbackReason: string | null; window: RetryWindow },
    ): Promise<{ folded: number; remaining: number }> {
      const { organizationId, leadId, window } = input;
      const info = Context.current().info;
      const run = info.workflowExecution;
      const runKey = `${run?.workflowId}:${run?.runId}:${info.activityId}:complete`;
      return heartbeating(async (signal) => {
        const em = tenantEm(orm.em, organizationId);
        let read;
        try {
          read = await readFoldInput(em, { organizationId, leadId, runKey, limit: MAX_CALLS_PER_FOLD });
        } catch (error) {
          throw databaseFailure(error, 'Reading the lead', window);
        }
        // An earlier attempt stored its fold and then lost the connection: report what is left.
        if (read?.stored) return { folded: 1, remaining: read.pending };
        if (!read || read.calls.length === 0) return { folded: 0, remaining: 0 };

        let answer = recallAnswer<FoldAnswer>(runKey);
        if (!answer) {
          const budget = config.openai.tokenBudgetPerDay;
          if (budget > 0 && read.spent >= budget) {
            deps.metrics?.recordBudgetWait('complete');
            const resetsAt = nextUtcDay();
            // Waiting for the next UTC day is not a failure of OpenAI: benign, and tried again when it starts.
            throw ApplicationFailure.create({
              type: FailureType.BudgetExhausted,
              message: budgetMessage({ budget, resetsAt }),
              nonRetryable: false,
              nextRetryDelay: Math.max(1000, resetsAt.getTime() - Date.now()),
              category: ApplicationFailureCategory.BENIGN,
            });
          }
          const asked = await askPrompt(deps, {
            organizationId,
            runKey,
            kind: 'complete',
            candidates: input.candidates,
            fallbackReason: input.fallbackReason,
            ...completePromptInput(read.lead, read.calls, read.variables),
            window,
            signal,
          });
          answer = {
            ...asked,
            basis: {
              completeAnalysisAt: read.completeAnalysisAt,
              calls: read.calls.map((call) => ({ id: call.id, analyzedAt: call.analyzedAt })),
            },
          };
        }

        const stored = answer;
        let remaining: number;
        try {
          remaining = await storeFold(
            em,
            {
              organizationId,
              leadId,
              userId: read.lead.assignedTo,
              calls: stored.basis.calls,
              previousAt: stored.basis.completeAnalysisAt,
              analysisId: randomUUID(),
              runKey,
              ...answerRecord(stored),
            },
            config.openai.prices,
          );
        } catch (error) {
          if (error instanceof StaleFoldError) {
            forgetAnswer(runKey);
            forgetBusyTries(runKey);
            log.info('the lead changed while its fold ran; folding again', { leadId });
            throw ApplicationFailure.create({
              type: 'StaleFold',
              message: 'The lead changed while it was folded',
              nextRetryDelay: 1000,
            });
          }
          rememberAnswer(runKey, stored);
          throw databaseFailure(error, 'Storing the complete analysis', window);
        }
        forgetAnswer(runKey);
        forgetBusyTries(runKey);
        return { folded: stored.basis.calls.length, remaining };
      });
    },

    /** Records a fold that failed for good (for the prompt metrics); the lead keeps its previous analysis. */
    async recordFailedFold({
      organizationId,
      leadId,
      error,
      promptKey,
    }: LeadRef & { error: string; promptKey?: string | undefined }): Promise<void> {
      const [promptId, version] = promptKey ? promptKey.split('@') : [];
      const info = Context.current().info;
      return asBookkeeping('Recording the failed fold', async () => {
        const em = tenantEm(orm.em, organizationId);
        const lead = await em.findOne(Lead, { id: leadId }, { fields: ['id', 'assignedTo'] });
        if (!lead) return;
        await em
          .createQueryBuilder(Analysis)
          .insert({
            id: randomUUID(),
            organization: organizationId,
            kind: 'complete',
            outcome: 'failed',
            leadId,
            userId: lead.assignedTo ?? null,
            promptId: promptId ?? null,
            promptVersion: version ? Number(version) : null,
            error: error.replaceAll('\u0000', '').slice(0, 4000),
            runKey: `${info.workflowExecution?.workflowId}:${info.workflowExecution?.runId}:${info.activityId}:failed`,
            createdAt: new Date(),
          })
          .onConflict('runKey')
          .ignore()
          .execute('run');
      });
    },

    /** Scores the lead with its user's active model (a WON/LOST lead keeps its last score). */
    async scoreLead({ organizationId, leadId }: LeadRef): Promise<number | null> {
      return asBookkeeping('Scoring the lead', () =>
        scoreLeadWithActiveModel(tenantEm(orm.em, organizationId), leadId),
      );
    },
  };
}

export type LeadAnalysisActivities = ReturnType<typeof createLeadAnalysisActivities>;
