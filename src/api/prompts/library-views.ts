// API views of the prompt library: saved prompts and the built-ins in one shape.
import type { EntityManager } from '@mikro-orm/postgresql';
import { BUILT_IN_PROMPTS } from '../../domain/prompts/built-in-prompts.js';
import { schemaWarnings, versionFields } from '../../domain/prompts/prompt-library.js';
import { Prompt, PromptVersion, type IPrompt, type IPromptVersion } from '../../domain/prompts/prompt.entity.js';
import { PRODUCTION_LABEL, type PromptKind } from '../../domain/prompts/prompt-ref.js';
import type { PromptVersionSpec } from '../../domain/prompts/version-spec.js';

// The built-ins ship with the code: their "update" time is when this process loaded them.
const LOADED_AT = new Date().toISOString();

const person = (id: string | null | undefined, email: string | null | undefined) =>
  id ? { id, email: email ?? '' } : null;

export function promptView(prompt: IPrompt) {
  return {
    id: prompt.id,
    name: prompt.name,
    kind: prompt.kind,
    description: prompt.description ?? null,
    builtIn: false,
    createdBy: person(prompt.createdById, prompt.createdByEmail),
    latestVersion: prompt.latestVersion,
    labels: prompt.labels,
    updatedAt: prompt.updatedAt.toISOString(),
  };
}

export function builtInView(kind: PromptKind) {
  const prompt = BUILT_IN_PROMPTS[kind];
  return {
    id: prompt.id,
    name: prompt.name,
    kind,
    description: prompt.description,
    builtIn: true,
    createdBy: null,
    latestVersion: prompt.versions.length,
    labels: { [PRODUCTION_LABEL]: prompt.versions.length },
    updatedAt: LOADED_AT,
  };
}

export function versionView(row: IPromptVersion) {
  return {
    ...versionFields(row),
    createdBy: person(row.createdById, row.createdByEmail),
    createdAt: row.createdAt.toISOString(),
    warnings: row.warnings,
  };
}

export function builtInVersionView(spec: PromptVersionSpec) {
  const { promptName: _name, kind: _kind, builtIn: _builtIn, ...content } = spec;
  return {
    ...content,
    note: content.note ?? null,
    createdBy: null,
    createdAt: LOADED_AT,
    warnings: schemaWarnings(spec.outputSchema),
  };
}

/** The library table: the organization's prompts and the built-ins, each with its production model and warnings. */
export async function libraryRows(em: EntityManager, kind: PromptKind | undefined, defaultModel: string) {
  const prompts = await em.find(Prompt, kind ? { kind } : {}, { orderBy: { name: 'asc', id: 'asc' } });
  const production = prompts.map((prompt) => ({
    prompt: prompt.id,
    version: prompt.labels[PRODUCTION_LABEL] ?? prompt.latestVersion,
  }));
  const versions = production.length
    ? await em.find(PromptVersion, { $or: production }, { fields: ['prompt', 'version', 'model', 'warnings'] })
    : [];
  const byKey = new Map(versions.map((row) => [`${row.prompt}@${row.version}`, row]));
  const rows = prompts.map((prompt) => {
    const version = prompt.labels[PRODUCTION_LABEL] ?? prompt.latestVersion;
    const row = byKey.get(`${prompt.id}@${version}`);
    return {
      ...promptView(prompt),
      productionVersion: version,
      model: row?.model ?? '',
      warnings: row?.warnings ?? [],
    };
  });
  const builtIns = (['individual', 'complete'] as const)
    .filter((k) => !kind || k === kind)
    .map((k) => {
      const view = builtInView(k);
      return { ...view, productionVersion: view.latestVersion, model: defaultModel, warnings: [] as string[] };
    });
  return [...builtIns, ...rows];
}
