// The template variables of a real analysis, read in one query each: the call (or the lead), its rep, the
// rep's AI preferences and the organization. Raw SQL skips the ORM's filters, so every query names the
// organization itself.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TemplateVariables } from './template.js';

export interface ContextRow {
  transcript?: string;
  started_at?: Date | null;
  duration_seconds?: number | string | null;
  source?: string | null;
  external_id: string | null;
  lead_name: string | null;
  call_count: number | null;
  first_name: string | null;
  last_name: string | null;
  organization_name: string | null;
  chatbot_tone: string | null;
  custom_instructions: string | null;
  preferred_contact_time: string | null;
}

export const PEOPLE = `u.first_name, u.last_name, o.name as organization_name,
  coalesce(pr.chatbot_tone, 'professional') as chatbot_tone, pr.custom_instructions, pr.preferred_contact_time`;

export function variablesOf(row: ContextRow): TemplateVariables {
  return {
    'call.startedAt': row.started_at ? new Date(row.started_at).toISOString() : null,
    'call.durationSeconds':
      row.duration_seconds === null || row.duration_seconds === undefined ? null : Number(row.duration_seconds),
    'call.source': row.source ?? null,
    'lead.externalId': row.external_id,
    'lead.name': row.lead_name,
    'lead.callCount': row.call_count,
    'rep.firstName': row.first_name,
    'rep.lastName': row.last_name,
    'organization.name': row.organization_name,
    'preferences.chatbotTone': row.chatbot_tone,
    'preferences.customInstructions': row.custom_instructions,
    'preferences.preferredContactTime': row.preferred_contact_time,
  };
}

/** A succeeded analysis stored already under a run key (an earlier attempt committed, then lost its answer). */
export interface StoredRun {
  analysisId: string;
  promptId: string;
  promptVersion: number;
  promptSource: 'user' | 'organization' | 'system';
}

/**
 * A call's variables, its transcript included; null when the call does not exist in the organization. With a
 * `runKey`, the same query also finds the analysis an earlier attempt of that run stored.
 */
export async function callPromptContext(
  em: EntityManager,
  organizationId: string,
  callRowId: string,
  runKey?: string,
): Promise<{
  variables: TemplateVariables;
  transcript: string;
  userId: string | null;
  stored: StoredRun | null;
} | null> {
  const rows = await em.getConnection().execute<
    (ContextRow & {
      user_id: string | null;
      stored_id: string | null;
      stored_prompt_id: string | null;
      stored_prompt_version: number | null;
      stored_prompt_source: StoredRun['promptSource'] | null;
    })[]
  >(
    `select c.transcript, c.started_at, c.duration_seconds, c.source, c.user_id,
            l.external_id, l.name as lead_name, l.call_count, ${PEOPLE},
            a.id as stored_id, a.prompt_id as stored_prompt_id, a.prompt_version as stored_prompt_version,
            a.prompt_source as stored_prompt_source
       from calls c
       join organizations o on o.id = c.organization_id
       left join leads l on l.id = c.lead_id and l.organization_id = c.organization_id
       left join users u on u.id = c.user_id and u.organization_id = c.organization_id
       left join user_ai_preferences pr on pr.user_id = c.user_id and pr.organization_id = c.organization_id
       left join analyses a on a.run_key = ? and a.organization_id = c.organization_id and a.outcome = 'succeeded'
      where c.id = ? and c.organization_id = ?`,
    [runKey ?? null, callRowId, organizationId],
  );
  const row = rows[0];
  if (!row) return null;
  const transcript = row.transcript ?? '';
  return {
    variables: { ...variablesOf(row), transcript },
    transcript,
    userId: row.user_id,
    stored: row.stored_id
      ? {
          analysisId: row.stored_id,
          promptId: row.stored_prompt_id!,
          promptVersion: Number(row.stored_prompt_version),
          promptSource: row.stored_prompt_source!,
        }
      : null,
  };
}

/** The variables of a fold: the lead, its assignee's name and preferences, the organization. */
export async function leadPromptContext(
  em: EntityManager,
  organizationId: string,
  leadId: string,
): Promise<TemplateVariables> {
  const rows = await em.getConnection().execute<ContextRow[]>(
    `select l.external_id, l.name as lead_name, l.call_count, ${PEOPLE}
       from leads l
       join organizations o on o.id = l.organization_id
       left join users u on u.id = l.assigned_to_id and u.organization_id = l.organization_id
       left join user_ai_preferences pr on pr.user_id = l.assigned_to_id and pr.organization_id = l.organization_id
      where l.id = ? and l.organization_id = ?`,
    [leadId, organizationId],
  );
  return rows[0] ? variablesOf(rows[0]) : {};
}
