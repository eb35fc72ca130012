// A lead's score history: one row per change (score, version or scope), with its cause. Bounded: after
// each write only the newest HISTORY_PER_LEAD rows of the leads just written are kept.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LeadScoreHistory, type ScoreCause } from './lead-score-history.entity.js';
import type { ModelScope } from './lead-scoring-model.entity.js';

export const HISTORY_PER_LEAD = 100;

export interface ScoreChange {
  organizationId: string;
  leadId: string;
  score: number;
  modelVersion: number;
  scope: ModelScope;
  cause: ScoreCause;
  /** When; now by default. */
  at?: Date;
}

export async function recordScoreChanges(em: EntityManager, changes: readonly ScoreChange[]): Promise<void> {
  if (changes.length === 0) return;
  const at = new Date();
  await em.insertMany(
    LeadScoreHistory,
    changes.map((c) => ({
      id: randomUUID(),
      organization: c.organizationId,
      lead: c.leadId,
      score: c.score,
      modelVersion: c.modelVersion,
      scope: c.scope,
      cause: c.cause,
      at: c.at ?? at,
    })),
  );
  await trimScoreHistory(
    em,
    changes[0]!.organizationId,
    changes.map((c) => c.leadId),
  );
}

/** Keeps only the newest HISTORY_PER_LEAD history rows of each of these leads. */
export async function trimScoreHistory(
  em: EntityManager,
  organizationId: string,
  leadIds: readonly string[],
): Promise<void> {
  if (leadIds.length === 0) return;
  await em.execute(
    `delete from lead_score_history where id in (
       select id from (
         select id, row_number() over (partition by lead_id order by at desc, id desc) as n
         from lead_score_history where organization_id = ? and lead_id = any(?::uuid[])
       ) ranked where n > ?)`,
    [organizationId, `{${[...new Set(leadIds)].join(',')}}`, HISTORY_PER_LEAD],
  );
}
