// Prompt experiments: who may start one, which leads it replays, and what the API shows of it. The work itself
// (analyses, folds, evaluation) runs in promptExperimentWorkflow's activities.
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain-error.js';
import { Prompt } from '../prompts/prompt.entity.js';
import { PRODUCTION_LABEL } from '../prompts/prompt-ref.js';
import { isBuiltInPrompt } from '../prompts/built-in-prompts.js';
import { assertMayChange } from '../prompts/prompt-library.js';
import { ExperimentItem, PromptExperiment, type IPromptExperiment } from './experiment.entity.js';

const DEFAULT_MAX_LEADS = 200;
export const MAX_LEADS = 2000;
const MIN_PER_CLASS = 10;

export interface SampleWindow {
  since?: Date | null;
  until?: Date | null;
  maxLeads: number;
}

export interface SampleLead {
  id: string;
  won: boolean;
}

/**
 * The organization's most recent WON/LOST leads with at least one call in [since, until], newest last call
 * first, up to maxLeads. Raw SQL names the organization itself (it skips the ORM's filters).
 */
export async function sampleLeads(
  em: EntityManager,
  organizationId: string,
  window: SampleWindow,
): Promise<SampleLead[]> {
  const rows = await em.getConnection().execute<{ id: string; status: string }[]>(
    `select l.id, l.status
       from leads l
       join lateral (
         select max(coalesce(c.started_at, c.created_at)) as last_at
           from calls c
          where c.lead_id = l.id and c.organization_id = l.organization_id
            and (?::timestamptz is null or coalesce(c.started_at, c.created_at) >= ?::timestamptz)
            and (?::timestamptz is null or coalesce(c.started_at, c.created_at) <= ?::timestamptz)
       ) recent on recent.last_at is not null
      where l.organization_id = ? and l.status in ('WON', 'LOST')
      order by recent.last_at desc, l.id
      limit ?`,
    [
      window.since ?? null,
      window.since ?? null,
      window.until ?? null,
      window.until ?? null,
      organizationId,
      window.maxLeads,
    ],
  );
  return rows.map((row) => ({ id: row.id, won: row.status === 'WON' }));
}

export interface ExperimentRequest {
  promptId: string;
  candidateVersion: number;
  baselineVersion?: number | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  maxLeads?: number | undefined;
  serviceTier?: 'flex' | 'default' | undefined;
}

/** Checks the request and returns the experiment row to store (the caller starts its workflow). */
export async function planExperiment(
  em: EntityManager,
  input: ExperimentRequest & {
    organizationId: string;
    actor: { id: string; email: string | null; role: string };
    experimentId: string;
    workflowId: string;
  },
) {
  if (isBuiltInPrompt(input.promptId))
    throw new DomainError(409, 'Built-in prompts cannot be experimented on directly: duplicate it first');
  const prompt = await em.findOne(Prompt, { id: input.promptId });
  if (!prompt) throw new DomainError(404, 'Prompt not found');
  assertMayChange(prompt, input.actor);
  const baselineVersion = input.baselineVersion ?? prompt.labels[PRODUCTION_LABEL] ?? prompt.latestVersion;
  for (const [field, version] of [
    ['candidateVersion', input.candidateVersion],
    ['baselineVersion', baselineVersion],
  ] as const) {
    if (version < 1 || version > prompt.latestVersion)
      throw new DomainError(400, 'No such version', {
        [field]: `must be a version of this prompt (1 to ${prompt.latestVersion})`,
      });
  }
  if (baselineVersion === input.candidateVersion)
    throw new DomainError(400, 'The candidate and the baseline are the same version', {
      candidateVersion: 'must differ from the baseline',
    });
  const maxLeads = input.maxLeads ?? DEFAULT_MAX_LEADS;
  const sample = await sampleLeads(em, input.organizationId, { since: input.since, until: input.until, maxLeads });
  const won = sample.filter((lead) => lead.won).length;
  const lost = sample.length - won;
  if (won < MIN_PER_CLASS || lost < MIN_PER_CLASS)
    throw new DomainError(
      422,
      `An experiment needs at least ${MIN_PER_CLASS} WON and ${MIN_PER_CLASS} LOST leads with calls in the window; ` +
        `the sample has ${won} WON and ${lost} LOST`,
    );
  return {
    id: input.experimentId,
    organization: input.organizationId,
    promptId: prompt.id,
    kind: prompt.kind,
    baselineVersion,
    candidateVersion: input.candidateVersion,
    since: input.since ?? null,
    until: input.until ?? null,
    maxLeads,
    serviceTier: input.serviceTier ?? ('flex' as const),
    status: 'running' as const,
    total: 0,
    workflowId: input.workflowId,
    createdById: input.actor.id,
    createdByEmail: input.actor.email,
  };
}

/** The API's view: progress is counted from the items, so it is exact whatever the workflow is doing. */
export async function experimentView(em: EntityManager, experiment: IPromptExperiment) {
  const counts = await em.getConnection().execute<{ done: number; failed: number }[]>(
    `select count(*) filter (where status = 'done')::int as done, count(*) filter (where status = 'failed')::int as failed
       from experiment_items where experiment_id = ? and organization_id = ?`,
    [experiment.id, experiment.organization],
  );
  const { done, failed } = counts[0] ?? { done: 0, failed: 0 };
  return {
    id: experiment.id,
    promptId: experiment.promptId,
    baselineVersion: experiment.baselineVersion,
    candidateVersion: experiment.candidateVersion,
    status: experiment.status,
    progress: { total: Math.max(experiment.total, done + failed), done, failed },
    results: experiment.results ?? null,
    error: experiment.error ?? null,
    createdAt: experiment.createdAt.toISOString(),
    completedAt: experiment.completedAt?.toISOString() ?? null,
  };
}

export async function deleteExperimentRows(em: EntityManager, experimentId: string): Promise<void> {
  await em.nativeDelete(ExperimentItem, { experiment: experimentId });
  await em.nativeDelete(PromptExperiment, { id: experimentId });
}
