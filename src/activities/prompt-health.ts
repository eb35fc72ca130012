// The daily prompt-health check: every prompt version in use (a label of a saved prompt, a pinned user setting,
// an organization default pinned to a version) has its model looked up at OpenAI; a model that is gone or whose
// announced shutdown is within OPENAI_MODEL_WARNING_DAYS puts a warning on the version (shown by the API and the
// console) and in the metrics. A system job: it reads across organizations on purpose, and writes only warnings.
import { log } from '@temporalio/activity';
import { ModelCatalog, shutdownWarning } from '../domain/prompts/model-catalog.js';
import { schemaWarnings } from '../domain/prompts/prompt-library.js';
import type { ActivityDeps } from './deps.js';

export interface PromptHealthResult {
  checked: number;
  flagged: number;
  models: number;
  /** The built-in prompts' model (OPENAI_DEFAULT_MODEL) is gone or near its shutdown. */
  defaultModelWarning: string | null;
}

interface VersionRow {
  prompt_id: string;
  version: number;
  model: string;
  output_schema: Record<string, unknown>;
  warnings: string[];
}

// Versions in use: any label of a saved prompt, and settings or defaults pinned to `prm_x@N`.
const VERSIONS_IN_USE = `
  with refs as (
    select p.id as prompt_id, (l.value)::int as version
      from prompts p cross join lateral jsonb_each_text(p.labels) l
    union
    select split_part(ref, '@', 1), split_part(ref, '@', 2)::int
      from (select openai_individual_prompt_id as ref from users
            union select openai_complete_prompt_id from users
            union select default_individual_prompt from organizations
            union select default_complete_prompt from organizations) settings
     where ref ~ '^prm_[A-Za-z0-9]+@[0-9]{1,9}$'
  )
  select v.prompt_id, v.version, v.model, v.output_schema, v.warnings
    from prompt_versions v join refs r on r.prompt_id = v.prompt_id and r.version = v.version`;

export function createPromptHealthActivities({ orm, openai, config, metrics }: ActivityDeps) {
  return {
    async checkPromptHealth(): Promise<PromptHealthResult> {
      if (!openai.configured) {
        log.info('prompt-health: OpenAI is not configured; nothing checked');
        return { checked: 0, flagged: 0, models: 0, defaultModelWarning: null };
      }
      const catalog = new ModelCatalog(openai);
      const connection = orm.em.getConnection();
      const rows = await connection.execute<VersionRow[]>(VERSIONS_IN_USE);
      const models = new Map<string, string | null>();
      const warningOf = async (model: string) => {
        // OpenAI unreachable: the lookup throws and the activity's policy retries; nothing is written from a guess.
        if (!models.has(model))
          models.set(model, shutdownWarning(model, await catalog.lookup(model), config.openai.modelWarningDays));
        return models.get(model) ?? null;
      };
      let flagged = 0;
      for (const row of rows) {
        const shutdown = await warningOf(row.model);
        if (shutdown) flagged++;
        const warnings = [...schemaWarnings(row.output_schema), ...(shutdown ? [shutdown] : [])];
        if (JSON.stringify(warnings) !== JSON.stringify(row.warnings)) {
          await connection.execute('update prompt_versions set warnings = ? where prompt_id = ? and version = ?', [
            JSON.stringify(warnings),
            row.prompt_id,
            row.version,
          ]);
        }
      }
      const defaultModelWarning = await warningOf(config.openai.defaultModel);
      if (defaultModelWarning)
        log.warn('prompt-health: the built-in prompts model needs attention', { warning: defaultModelWarning });
      metrics?.recordPromptHealth(rows.length, flagged + (defaultModelWarning ? 1 : 0));
      log.info('prompt-health checked the prompt versions in use', {
        checked: rows.length,
        flagged,
        models: models.size,
      });
      return { checked: rows.length, flagged, models: models.size, defaultModelWarning };
    },
  };
}

export type PromptHealthActivities = ReturnType<typeof createPromptHealthActivities>;
