// The prompt settings of an analysis as columns of the statement that starts its step: the user's and the
// organization's setting of one kind, with the prompt rows they name (labels move, so they are read every time;
// versions are immutable and cached by the caller). Joined on the organization: raw SQL skips the ORM's filters.
// The statement provides the organization as \`so\`.
import type { PromptHead } from './prompt-library.js';
import type { PromptKind } from './prompt-ref.js';

export interface SettingsRow {
  user_setting: string | null;
  organization_setting: string | null;
  user_prompt: PromptHead | null;
  organization_prompt: PromptHead | null;
}

/** The user's and the organization's settings of `kind`, with the prompt rows they name (same organization). */
export function settingsColumns(kind: PromptKind, userIdSql: string): { columns: string; joins: string } {
  const userColumn = kind === 'individual' ? 'openai_individual_prompt_id' : 'openai_complete_prompt_id';
  const organizationColumn = kind === 'individual' ? 'default_individual_prompt' : 'default_complete_prompt';
  return {
    columns: `su.${userColumn} as user_setting, so.${organizationColumn} as organization_setting,
      case when pu.id is null then null else jsonb_build_object('kind', pu.kind, 'labels', pu.labels) end
        as user_prompt,
      case when po.id is null then null else jsonb_build_object('kind', po.kind, 'labels', po.labels) end
        as organization_prompt`,
    joins: `left join users su on su.id = ${userIdSql} and su.organization_id = so.id
      left join prompts pu on pu.id = split_part(su.${userColumn}, '@', 1) and pu.organization_id = so.id
      left join prompts po on po.id = split_part(so.${organizationColumn}, '@', 1) and po.organization_id = so.id`,
  };
}

/** The prompt rows the settings name, for `resolvePromptLine`'s sources (a name without a row: none). */
export function knownPrompts(row: SettingsRow): Map<string, PromptHead | null> {
  const known = new Map<string, PromptHead | null>();
  const add = (setting: string | null, head: PromptHead | null) => {
    if (setting) known.set(setting.split('@')[0]!, head);
  };
  add(row.user_setting, row.user_prompt);
  add(row.organization_setting, row.organization_prompt);
  return known;
}
