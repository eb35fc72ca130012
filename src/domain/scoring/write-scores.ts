// Writes a batch of computed scores in one statement: the leads' scores and explanations, and a history
// row for each lead whose score, version or scope changed; each such change is also a `lead.scored` event for
// the organization's subscribed endpoints (recorded in the caller's transaction, so a rolled back retrain sends
// nothing). A lead is written only while it is open and
// only while the model is still the active one, so a score of a replaced model never lands.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ScoreCause } from './lead-score-history.entity.js';
import type { ModelScope } from './lead-scoring-model.entity.js';
import type { Explained } from './stored-model.js';
import { trimScoreHistory } from './score-history.js';
import { recordLeadScored, subscribedEndpoints } from '../events/record-event.js';

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
  // `before` reads the leads as they were (every part of one statement sees the same snapshot), so the changed
  // rows come back with the score they replace: what `lead.scored` reports as the previous score.
  const changedRows = await em.execute<
    { id: string; external_id: string; previous_score: number | null; previous_scored_at: Date | string | null }[]
  >(
    `with input as (
       select * from jsonb_to_recordset(?::jsonb) as i(id uuid, score float8, explanation jsonb, changed boolean)
     ), before as (
       select l.id, l.external_id, l.score as previous_score, l.scored_at as previous_scored_at
         from leads l join input i on i.id = l.id where l.organization_id = ?
     ), updated as (
       update leads l
          set score = i.score, score_model_version = ?, score_scope = ?, scored_at = ?::timestamptz,
              score_explanation = i.explanation, updated_at = ?::timestamptz
         from input i
        where l.id = i.id and l.organization_id = ? and l.status not in ('WON', 'LOST')
          and exists (select 1 from lead_scoring_models m where m.id = ? and m.active)
       returning l.id, i.score, i.changed
     ), history as (
       insert into lead_score_history (id, organization_id, lead_id, score, model_version, scope, cause, at)
       select gen_random_uuid(), ?, u.id, u.score, ?, ?, ?, ?::timestamptz from updated u where u.changed
     )
     select b.id, b.external_id, b.previous_score, b.previous_scored_at
       from updated u join before b on b.id = u.id where u.changed`,
    [
      input,
      organizationId,
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
    'all',
  );
  // A retrain re-scores thousands of leads: the subscribed endpoints are read once for the whole batch, and
  // without one there is nothing to record.
  const endpointIds = changedRows.length ? await subscribedEndpoints(em, organizationId, 'lead.scored') : [];
  const explainedOf = new Map(scores.map((s) => [s.leadId, s.explained]));
  for (const row of endpointIds.length ? changedRows : []) {
    const explained = explainedOf.get(row.id)!;
    await recordLeadScored(
      em,
      {
        organizationId,
        leadId: row.id,
        externalId: row.external_id,
        score: explained.score,
        previousScore: row.previous_score == null ? null : Number(row.previous_score),
        previousScoredAt: row.previous_scored_at == null ? null : new Date(row.previous_scored_at),
        modelVersion: model.version,
        scope: model.scope,
        contributions: explained.contributions,
      },
      endpointIds,
    );
  }
  const changed = scores.filter((s) => s.changed).map((s) => s.leadId);
  await trimScoreHistory(em, organizationId, changed);
}
