// Activities of leadAnalysisWorkflow: fold new call analyses into the lead's complete analysis, then score.
// The lead's details and analyses are read and written here; Temporal sees ids and counts only.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { FailureType } from '../temporal/failure-types.js';
import { budgetMessage, budgetState, recordUsage } from '../domain/usage/budget.js';
import { Call } from '../domain/calls/call.entity.js';
import { Lead } from '../domain/leads/lead.entity.js';
import { User } from '../domain/accounts/user.entity.js';
import { Analysis } from '../domain/analyses/analysis.entity.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { Organization } from '../domain/accounts/organization.entity.js';
import {
  organizationDefaultFor,
  resolvePromptLine,
  userPromptFor,
  type PromptCandidate,
} from '../domain/prompts/prompt-resolver.js';
import { leadPromptContext } from '../domain/prompts/prompt-context.js';
import { completePromptInput } from '../domain/leads/complete-analysis-input.js';
import { scoreLeadWithActiveModel } from '../domain/scoring/score-lead.js';
import { asBookkeeping } from './failures.js';
import { databaseFailure, type RetryWindow } from './openai-retry.js';
import { forgetAnswer, recallAnswer, rememberAnswer } from './answer-cache.js';
import { answerColumns, askPrompt, type PromptAnswer } from './prompt-answer.js';
import { forgetBusyTries } from './tenant-slots.js';
import { heartbeating } from './heartbeat.js';
import { recordLeadAnalysisUpdated } from '../domain/events/record-event.js';
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
  const unfolded = (leadId: string) => ({ lead: leadId, status: 'analyzed' as const, foldedAt: null });

  return {
    /** How many analysed calls wait to be folded, and the complete-analysis prompts to try (none: lead gone). */
    async prepareLeadFold({
      organizationId,
      leadId,
    }: LeadRef): Promise<{ pending: number; candidates: PromptCandidate[]; fallbackReason: string | null }> {
      return asBookkeeping('Preparing the complete analysis', async () => {
        const em = tenantEm(orm.em, organizationId);
        const lead = await em.findOne(Lead, { id: leadId }, { fields: ['id', 'assignedTo'] });
        if (!lead) return { pending: 0, candidates: [], fallbackReason: null };
        const pending = await em.count(Call, unfolded(leadId));
        const user = lead.assignedTo
          ? await em.findOne(User, { id: lead.assignedTo }, { fields: ['id', 'openaiCompletePromptId'] })
          : null;
        const organization = await em.findOne(
          Organization,
          { id: organizationId },
          { fields: ['id', 'defaultCompletePrompt'] },
        );
        const line = await resolvePromptLine(
          em,
          {
            user: user ? userPromptFor(user, 'complete') : null,
            organization: organization ? organizationDefaultFor(organization, 'complete') : null,
          },
          'complete',
          config.openai.defaultModel,
        );
        return { pending, candidates: line.candidates, fallbackReason: line.fallbackReason };
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
        let lead;
        let calls;
        let variables;
        try {
          if (await em.count(Analysis, { runKey })) {
            // An earlier attempt stored its fold and then lost the connection: report what is left.
            return { folded: 1, remaining: await em.count(Call, unfolded(leadId)) };
          }
          lead = await em.findOne(Lead, { id: leadId });
          calls = lead
            ? await em.find(Call, unfolded(leadId), {
                orderBy: { analyzedAt: 'asc', id: 'asc' },
                limit: MAX_CALLS_PER_FOLD,
              })
            : [];
          variables = lead ? await leadPromptContext(em, organizationId, leadId) : {};
        } catch (error) {
          throw databaseFailure(error, 'Reading the lead', window);
        }
        if (!lead || calls.length === 0) return { folded: 0, remaining: 0 };

        let answer = recallAnswer<FoldAnswer>(runKey);
        if (!answer) {
          const budget = await budgetState(em, organizationId, config.openai.tokenBudgetPerDay).catch((error) => {
            throw databaseFailure(error, 'Reading the OpenAI budget', window);
          });
          if (budget.exhausted) {
            deps.metrics?.recordBudgetWait('complete');
            // Waiting for the next UTC day is not a failure of OpenAI: benign, and tried again when it starts.
            throw ApplicationFailure.create({
              type: FailureType.BudgetExhausted,
              message: budgetMessage(budget),
              nonRetryable: false,
              nextRetryDelay: Math.max(1000, budget.resetsAt.getTime() - Date.now()),
              category: ApplicationFailureCategory.BENIGN,
            });
          }
          const asked = await askPrompt(deps, {
            organizationId,
            runKey,
            kind: 'complete',
            candidates: input.candidates,
            fallbackReason: input.fallbackReason,
            ...completePromptInput(lead, calls, variables),
            window,
            signal,
          });
          answer = {
            ...asked,
            basis: {
              completeAnalysisAt: lead.completeAnalysisAt?.toISOString() ?? null,
              calls: calls.map((call) => ({ id: call.id, analyzedAt: call.analyzedAt?.toISOString() ?? null })),
            },
          };
        }

        const stored = answer;
        let stale = false;
        try {
          await em.transactional(async (tx) => {
            for (const call of stored.basis.calls) {
              const analyzedAt = call.analyzedAt ? new Date(call.analyzedAt) : null;
              // A call re-analysed since it was read carries a new analysis: that one waits for the next fold.
              const marked = await tx.nativeUpdate(
                Call,
                { id: call.id, foldedAt: null, analyzedAt },
                { foldedAt: new Date() },
              );
              if (marked !== 1) stale = true;
            }
            const previousAt = stored.basis.completeAnalysisAt ? new Date(stored.basis.completeAnalysisAt) : null;
            const updated = await tx.nativeUpdate(
              Lead,
              { id: leadId, completeAnalysisAt: previousAt },
              {
                completeAnalysis: stored.analysis,
                completeAnalysisPromptId: stored.prompt.promptId,
                completeAnalysisPromptName: stored.promptName,
                completeAnalysisPromptSource: stored.prompt.source,
                completeAnalysisPromptVersion: stored.prompt.version,
                completeAnalysisModel: stored.model,
                completeAnalysisAt: new Date(),
                updatedAt: new Date(),
              },
            );
            if (updated !== 1) stale = true;
            if (stale) throw new StaleFoldError();
            await tx
              .createQueryBuilder(Analysis)
              .insert({
                id: randomUUID(),
                organization: organizationId,
                kind: 'complete',
                leadId,
                userId: lead.assignedTo ?? null,
                ...answerColumns(stored),
                runKey,
                createdAt: new Date(),
              })
              .execute('run');
            await recordUsage(tx, organizationId, stored.usage, { prices: config.openai.prices, model: stored.model });
            await recordLeadAnalysisUpdated(tx, { organizationId, leadId, factKey: runKey });
          });
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
        const remaining = await em.count(Call, unfolded(leadId)).catch(() => 1);
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

class StaleFoldError extends Error {}

export type LeadAnalysisActivities = ReturnType<typeof createLeadAnalysisActivities>;
