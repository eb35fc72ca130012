// Activities of promptExperimentWorkflow. Each experiment's work is a set of items in experiment_items (a call
// analysed by one arm, or a lead folded for one arm): preparing writes them all, batches run the pending ones
// (a retried batch finds what an earlier attempt finished), and the evaluation reads them. Nothing here writes
// to calls, leads, analyses, scores or models.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../domain/accounts/organization.entity.js';
import {
  ExperimentItem,
  PromptExperiment,
  type ExperimentResults,
  type IExperimentItem,
} from '../domain/experiments/experiment.entity.js';
import { experimentResults } from '../domain/experiments/results.js';
import { sampleLeads } from '../domain/experiments/experiments.js';
import { budgetState, recordUsage } from '../domain/usage/budget.js';
import { callPromptContext, leadPromptContext } from '../domain/prompts/prompt-context.js';
import { loadVersionSpec } from '../domain/prompts/prompt-library.js';
import { organizationDefaultFor, resolvePromptLine } from '../domain/prompts/prompt-resolver.js';
import { checkedOutput, renderPrompt } from '../domain/prompts/render.js';
import type { PromptVersionSpec } from '../domain/prompts/version-spec.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { OpenAIRequestError } from '../openai/errors.js';
import { heartbeating } from './heartbeat.js';
import type { ActivityDeps } from './deps.js';

export interface ExperimentRef {
  organizationId: string;
  experimentId: string;
}

const ARMS = ['baseline', 'candidate'] as const;
type Arm = (typeof ARMS)[number];
/** Transient failures (flex capacity, 5xx, timeouts) an item may have before it counts as failed. */
const MAX_ITEM_ATTEMPTS = 12;

export function createExperimentActivities(deps: ActivityDeps) {
  const { orm, config, openai, tenantSlots } = deps;
  const serviceTierOf = new Map<string, 'flex' | 'default'>();
  const defaultModel = config.openai.defaultModel;

  async function experimentOf(em: EntityManager, experimentId: string) {
    return em.findOneOrFail(PromptExperiment, { id: experimentId });
  }

  /** The version an item runs: the arm's version, or (for folds of an individual experiment) the fold prompt. */
  async function specFor(
    em: EntityManager,
    experiment: Awaited<ReturnType<typeof experimentOf>>,
    item: IExperimentItem,
  ) {
    const armVersion = item.arm === 'baseline' ? experiment.baselineVersion : experiment.candidateVersion;
    if (item.kind === experiment.kind) return loadVersionSpec(em, experiment.promptId, armVersion, defaultModel);
    return loadVersionSpec(em, experiment.foldPromptId!, experiment.foldPromptVersion!, defaultModel);
  }

  /** A slot of the organization's OpenAI cap, waited for: experiments queue behind production, never ahead. */
  async function slot(organizationId: string, key: string, signal: AbortSignal) {
    for (;;) {
      try {
        return tenantSlots.acquire(organizationId, key);
      } catch {
        await sleep(250 + Math.random() * 500, undefined, { signal });
      }
    }
  }

  async function runItem(
    em: EntityManager,
    experiment: Awaited<ReturnType<typeof experimentOf>>,
    item: IExperimentItem,
    signal: AbortSignal,
  ): Promise<'done' | 'failed' | 'transient'> {
    const spec: PromptVersionSpec | null = await specFor(em, experiment, item);
    if (!spec) return record(em, item, { status: 'failed', error: 'The prompt version no longer exists' });
    let rendered;
    if (item.kind === 'individual') {
      const context = await callPromptContext(em, experiment.organization, item.callId!);
      if (!context) return record(em, item, { status: 'failed', error: 'The call no longer exists' });
      rendered = renderPrompt(spec, context.variables);
    } else {
      const newAnalyses = await foldInputs(em, experiment, item);
      const variables = await leadPromptContext(em, experiment.organization, item.leadId);
      const lead = { externalId: variables['lead.externalId'] ?? null, name: variables['lead.name'] ?? null };
      rendered = renderPrompt(
        spec,
        { ...variables, 'lead.previousAnalysis': 'null', 'lead.newAnalyses': JSON.stringify(newAnalyses) },
        JSON.stringify({ lead, previousAnalysis: null, newAnalyses }),
      );
    }
    const release = await slot(experiment.organization, `experiment:${item.id}`, signal);
    const started = Date.now();
    try {
      const run = await openai.runPrompt({ spec, ...rendered, serviceTier: experiment.serviceTier, signal });
      const usage = {
        model: run.model,
        inputTokens: run.usage?.inputTokens ?? null,
        outputTokens: run.usage?.outputTokens ?? null,
        latencyMs: Date.now() - started,
      };
      try {
        const analysis = checkedOutput(spec, run.outputText);
        return record(em, item, { status: 'done', analysis, valid: true, ...usage });
      } catch (error) {
        return record(em, item, {
          status: 'failed',
          valid: false,
          error: (error as Error).message.slice(0, 1000),
          ...usage,
        });
      }
    } catch (error) {
      if (error instanceof OpenAIRequestError && error.retryable && item.attempts + 1 < MAX_ITEM_ATTEMPTS) {
        await em.nativeUpdate(ExperimentItem, { id: item.id, status: 'pending' }, { attempts: item.attempts + 1 });
        return 'transient';
      }
      const message = error instanceof Error ? error.message : String(error);
      return record(em, item, { status: 'failed', error: message.slice(0, 1000) });
    } finally {
      release();
    }
  }

  /** What a fold of this lead receives: the arm's own call analyses, or (complete experiments) the stored ones. */
  async function foldInputs(
    em: EntityManager,
    experiment: Awaited<ReturnType<typeof experimentOf>>,
    item: IExperimentItem,
  ) {
    if (experiment.kind === 'individual') {
      const rows = await em.getConnection().execute<{ call_id: string; analysis: unknown }[]>(
        `select i.call_id, i.analysis from experiment_items i
          where i.experiment_id = ? and i.organization_id = ? and i.arm = ? and i.kind = 'individual'
            and i.lead_id = ? and i.status = 'done' order by i.key`,
        [experiment.id, experiment.organization, item.arm, item.leadId],
      );
      return rows.map((row) => ({ callId: row.call_id, analysis: row.analysis }));
    }
    const rows = await em.getConnection().execute<{ call_id: string; started_at: Date | null; analysis: unknown }[]>(
      `select call_id, started_at, analysis from calls
        where lead_id = ? and organization_id = ? and analysis is not null order by coalesce(started_at, created_at), id`,
      [item.leadId, experiment.organization],
    );
    return rows.map((row) => ({ callId: row.call_id, startedAt: row.started_at, analysis: row.analysis }));
  }

  async function record(
    em: EntityManager,
    item: IExperimentItem,
    values: Partial<Omit<IExperimentItem, 'id'>> & { status: 'done' | 'failed' },
  ): Promise<'done' | 'failed'> {
    // Guarded on `pending`: an overlapping attempt that finished the item first keeps its answer (and its usage).
    const updated = await em.nativeUpdate(
      ExperimentItem,
      { id: item.id, status: 'pending' },
      { ...values, attempts: item.attempts + 1 },
    );
    if (updated === 1 && values.model && values.inputTokens != null) {
      await recordUsage(
        em,
        item.organization,
        { inputTokens: values.inputTokens, outputTokens: values.outputTokens ?? 0 },
        { prices: config.openai.prices, model: values.model, tier: serviceTierOf.get(item.experiment) ?? 'default' },
      );
    }
    return values.status;
  }

  return {
    /** Writes every item of the experiment (idempotent); stored analyses of exactly an arm's version are reused. */
    async prepareExperiment({
      organizationId,
      experimentId,
    }: ExperimentRef): Promise<{ kind: 'individual' | 'complete'; total: number }> {
      const em = tenantEm(orm.em, organizationId);
      const experiment = await experimentOf(em, experimentId);
      const sample = await sampleLeads(em, organizationId, experiment);
      const leadIds = sample.map((lead) => lead.id);
      const items: Record<string, unknown>[] = [];
      const add = (arm: Arm, kind: 'individual' | 'complete', leadId: string, callId: string | null, reuse?: unknown) =>
        items.push({
          // The query builder's insert skips onCreate hooks: ids are given here.
          id: randomUUID(),
          createdAt: new Date(),
          organization: organizationId,
          experiment: experimentId,
          key: `${arm}:${kind}:${callId ?? leadId}`,
          arm,
          kind,
          leadId,
          callId,
          ...(reuse ? { status: 'done', reused: true, valid: true, analysis: reuse, attempts: 0 } : {}),
        });
      if (experiment.kind === 'individual') {
        const calls = await em
          .getConnection()
          .execute<{ id: string; lead_id: string }[]>(
            `select id, lead_id from calls where organization_id = ? and lead_id = any(?::uuid[]) order by lead_id, id`,
            [organizationId, `{${leadIds.join(',')}}`],
          );
        for (const arm of ARMS) {
          const version = arm === 'baseline' ? experiment.baselineVersion : experiment.candidateVersion;
          const stored = await em.getConnection().execute<{ call_id: string; analysis: unknown }[]>(
            `select distinct on (call_id) call_id, analysis from analyses
              where organization_id = ? and kind = 'individual' and outcome = 'succeeded' and prompt_id = ?
                and prompt_version = ? and call_id = any(?::uuid[])
              order by call_id, created_at desc`,
            [organizationId, experiment.promptId, version, `{${calls.map((c) => c.id).join(',')}}`],
          );
          const reusable = new Map(stored.map((row) => [row.call_id, row.analysis]));
          for (const call of calls) add(arm, 'individual', call.lead_id, call.id, reusable.get(call.id));
          for (const leadId of leadIds) add(arm, 'complete', leadId, null);
        }
        // Both arms fold with the organization's effective complete prompt, so only the individual prompt differs.
        const organization = await em.findOneOrFail(Organization, { id: organizationId });
        const line = await resolvePromptLine(
          em,
          { user: null, organization: organizationDefaultFor(organization, 'complete') },
          'complete',
          defaultModel,
        );
        experiment.foldPromptId = line.steps[0]!.spec.promptId;
        experiment.foldPromptVersion = line.steps[0]!.spec.version;
      } else {
        for (const arm of ARMS) for (const leadId of leadIds) add(arm, 'complete', leadId, null);
      }
      for (let i = 0; i < items.length; i += 500) {
        await em
          .createQueryBuilder(ExperimentItem)
          .insert(items.slice(i, i + 500) as never[])
          .onConflict(['experiment', 'key'])
          .ignore()
          .execute('run');
      }
      experiment.total = items.length;
      await em.flush();
      return { kind: experiment.kind, total: items.length };
    },

    /** Runs up to `limit` pending items of `kind`, a few at a time. */
    async runExperimentBatch(
      input: ExperimentRef & { kind: 'individual' | 'complete'; limit: number },
    ): Promise<{ finished: number; transient: number; remaining: number; pausedMs?: number }> {
      return heartbeating(async (signal) => {
        const em = tenantEm(orm.em, input.organizationId);
        const experiment = await experimentOf(em, input.experimentId);
        serviceTierOf.set(experiment.id, experiment.serviceTier);
        const budget = await budgetState(em, input.organizationId, config.openai.tokenBudgetPerDay);
        if (budget.exhausted) {
          // Paused, not failed: the workflow waits until the next UTC day gives the budget back.
          deps.metrics?.recordBudgetWait('experiment');
          const remaining = await em.count(ExperimentItem, {
            experiment: input.experimentId,
            kind: input.kind,
            status: 'pending',
          });
          return { finished: 0, transient: 0, remaining, pausedMs: budget.resetsAt.getTime() - Date.now() };
        }
        const pending = await em.find(
          ExperimentItem,
          { experiment: input.experimentId, kind: input.kind, status: 'pending' },
          { orderBy: { attempts: 'asc', key: 'asc' }, limit: input.limit },
        );
        const concurrency = Math.max(1, Math.min(8, Math.floor(config.openai.maxConcurrentPerOrganization / 2)));
        let finished = 0;
        let transient = 0;
        let next = 0;
        const worker = async () => {
          while (next < pending.length) {
            const item = pending[next++]!;
            const outcome = await runItem(em.fork(), experiment, item, signal);
            if (outcome === 'transient') transient++;
            else finished++;
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
        const remaining = await em.count(ExperimentItem, {
          experiment: input.experimentId,
          kind: input.kind,
          status: 'pending',
        });
        return { finished, transient, remaining };
      });
    },

    /** Each arm's features as scoring builds them, the cross-validated AUCs, the bootstrap and the arm metrics. */
    async evaluatePromptExperiment({ organizationId, experimentId }: ExperimentRef): Promise<ExperimentResults> {
      const em = tenantEm(orm.em, organizationId);
      const experiment = await experimentOf(em, experimentId);
      const items = await em.find(ExperimentItem, { experiment: experimentId });
      const leads = await em
        .getConnection()
        .execute<{ id: string; status: string }[]>(
          `select id, status from leads where organization_id = ? and id = any(?::uuid[]) and status in ('WON', 'LOST') order by id`,
          [organizationId, `{${[...new Set(items.map((item) => item.leadId))].join(',')}}`],
        );
      const calls = await em
        .getConnection()
        .execute<{ lead_id: string; duration_seconds: number | null; started_at: Date | null; created_at: Date }[]>(
          `select lead_id, duration_seconds, started_at, created_at from calls where organization_id = ? and lead_id = any(?::uuid[])`,
          [organizationId, `{${leads.map((lead) => lead.id).join(',')}}`],
        );
      const callsOf = new Map<string, { durationSeconds: number | null; startedAt: Date | null; createdAt: Date }[]>();
      for (const call of calls) {
        const list = callsOf.get(call.lead_id) ?? [];
        // Raw rows may carry timestamps as text: the feature code compares Dates.
        list.push({
          durationSeconds: call.duration_seconds,
          startedAt: call.started_at ? new Date(call.started_at) : null,
          createdAt: new Date(call.created_at),
        });
        callsOf.set(call.lead_id, list);
      }
      // Agreement compares the top-level fields both versions' schemas have.
      const baselineSpec = await loadVersionSpec(em, experiment.promptId, experiment.baselineVersion, defaultModel);
      const candidateSpec = await loadVersionSpec(em, experiment.promptId, experiment.candidateVersion, defaultModel);
      const fieldsOf = (spec: PromptVersionSpec | null) =>
        Object.keys((spec?.outputSchema.properties as object | undefined) ?? {});
      const results = experimentResults({
        kind: experiment.kind,
        items,
        leads: leads.map((lead) => ({ id: lead.id, won: lead.status === 'WON', calls: callsOf.get(lead.id) ?? [] })),
        sharedFields: fieldsOf(baselineSpec).filter((field) => fieldsOf(candidateSpec).includes(field)),
        prices: config.openai.prices,
        tier: experiment.serviceTier,
      });
      await em.nativeUpdate(
        PromptExperiment,
        { id: experimentId, status: 'running' },
        { results, status: 'completed', completedAt: new Date() },
      );
      log.info('prompt experiment completed', { experimentId, verdict: results.verdict, leads: results.leads });
      return results;
    },

    /** Records how an experiment ended without results (cancelled, failed). */
    async finishExperiment(input: ExperimentRef & { status: 'cancelled' | 'failed'; error?: string }): Promise<void> {
      const em = tenantEm(orm.em, input.organizationId);
      await em.nativeUpdate(
        PromptExperiment,
        { id: input.experimentId, status: 'running' },
        { status: input.status, error: input.error?.slice(0, 2000) ?? null, completedAt: new Date() },
      );
    },
  };
}

export type ExperimentActivities = ReturnType<typeof createExperimentActivities>;
