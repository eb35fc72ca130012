// Writes a batch of computed scores in one statement: the leads' scores and explanations, and a history
// row for each lead whose score, version or scope changed. A lead is written only while it is open and
// only while the model is still the active one, so a score of a replaced model never lands.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ScoreCause } from './lead-score-history.entity.js';
import type { ModelScope } from './lead-scoring-model.entity.js';
import type { Explained } from './stored-model.js';
import { trimScoreHistory } from './score-history.js';

export interface ComputedScore {
  leadId: string;
  explained: Explained;
  /** The score, its version or its scope differs from what the lead had: worth a history row. */
  changed: boolean;
}

export async function writeScores(
  em: EntityManager,
  {
    organizationId,
    model,
    cause,
    scores,
  }: {
    organizationId: string;
    model: { id: string; version: number; scope: ModelScope };
    cause: ScoreCause;
    scores: readonly ComputedScore[];
  },
): Promise<void> {
  if (scores.length === 0) return;
  const now = new Date().toISOString();
  const input = JSON.stringify(
    scores.map((s) => ({
      id: s.leadId,
      score: s.explained.score,
      explanation: { intercept: s.explained.intercept, contributions: s.explained.contributions },
      changed: s.changed,
    })),
  );
  await em.execute(
    `with input as (
       select * from jsonb_to_recordset(?::jsonb) as i(id uuid, score float8, explanation jsonb, changed boolean)
     ), updated as (
       update leads l
          set score = i.score, score_model_version = ?, score_scope = ?, scored_at = ?::timestamptz,
              score_explanation = i.explanation, updated_at = ?::timestamptz
         from input i
        where l.id = i.id and l.organization_id = ? and l.status not in ('WON', 'LOST')
          and exists (select 1 from lead_scoring_models m where m.id = ? and m.active)
       returning l.id, i.score, i.changed
     )
     insert into lead_score_history (id, organization_id, lead_id, score, model_version, scope, cause, at)
     select gen_random_uuid(), ?, u.id, u.score, ?, ?, ?, ?::timestamptz from updated u where u.changed`,
    [
      input,
      model.version,
      model.scope,
      now,
      now,
      organizationId,
      model.id,
      organizationId,
      model.version,
      model.scope,
      cause,
      now,
    ],
    'run',
  );
  const changed = scores.filter((s) => s.changed).map((s) => s.leadId);
  await trimScoreHistory(em, organizationId, changed);
}
