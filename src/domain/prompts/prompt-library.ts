// The organization's prompt library: prompts, their immutable versions and their labels. Every change goes
// through here, with its audit entry in the same transaction. `em` is tenant-scoped (another organization's
// prompt is simply not found); the built-in prompts are read-only and visible to everyone.
import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../domain-error.js';
import { AUDIT_ACTIONS, recordActorAudit } from '../audit/index.js';
import { User } from '../accounts/user.entity.js';
import { Organization } from '../accounts/organization.entity.js';
import { builtInPromptById, builtInVersion, isBuiltInPrompt } from './built-in-prompts.js';
import { missingScoringFields, strictSchemaErrors } from './output-schema.js';
import {
  Prompt,
  PromptVersion,
  REASONING_EFFORTS,
  type IPrompt,
  type IPromptVersion,
  type ReasoningEffort,
} from './prompt.entity.js';
import {
  LABEL_PATTERN,
  PRODUCTION_LABEL,
  isRetiredOpenAIPrompt,
  parsePromptRef,
  type PromptKind,
} from './prompt-ref.js';
import { unknownVariables } from './template.js';
import type { PromptVersionSpec } from './version-spec.js';

export interface Actor {
  id: string;
  email: string | null;
}

export interface VersionInput {
  instructions: string;
  input?: string | null | undefined;
  model: string;
  reasoningEffort?: ReasoningEffort | null | undefined;
  temperature?: number | null | undefined;
  maxOutputTokens?: number | null | undefined;
  outputSchema: Record<string, unknown>;
  note?: string | null | undefined;
}

const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** Why the version cannot be saved, by field (empty: it can). */
export function versionErrors(kind: PromptKind, input: VersionInput): Record<string, string> {
  const errors: Record<string, string> = {};
  if (typeof input.instructions !== 'string' || input.instructions.length < 1 || input.instructions.length > 32_000)
    errors.instructions = 'must be 1 to 32,000 characters';
  for (const field of ['instructions', 'input'] as const) {
    const template = input[field];
    if (typeof template !== 'string') continue;
    const unknown = unknownVariables(template, kind);
    if (unknown.length)
      errors[field] =
        `unknown template variable${unknown.length > 1 ? 's' : ''}: ${unknown.map((n) => `{{${n}}}`).join(', ')}`;
  }
  if (typeof input.model !== 'string' || !MODEL_PATTERN.test(input.model))
    errors.model = 'must be a model name such as gpt-6-luna';
  if (input.reasoningEffort != null && !REASONING_EFFORTS.includes(input.reasoningEffort))
    errors.reasoningEffort = `must be one of ${REASONING_EFFORTS.join(', ')}`;
  if (input.temperature != null && !(input.temperature >= 0 && input.temperature <= 2))
    errors.temperature = 'must be between 0 and 2';
  if (
    input.maxOutputTokens != null &&
    !(Number.isInteger(input.maxOutputTokens) && input.maxOutputTokens >= 16 && input.maxOutputTokens <= 200_000)
  )
    errors.maxOutputTokens = 'must be a whole number from 16 to 200,000';
  const schemaErrors = strictSchemaErrors(input.outputSchema);
  if (schemaErrors.length)
    errors.outputSchema = `not accepted by strict structured outputs: ${schemaErrors.slice(0, 5).join('; ')}`;
  return errors;
}

/** Warnings that need no OpenAI call: fields lead scoring reads that the schema lacks. */
export function schemaWarnings(outputSchema: Record<string, unknown>): string[] {
  const missing = missingScoringFields(outputSchema);
  return missing.length ? [`The output schema lacks fields lead scoring reads: ${missing.join(', ')}`] : [];
}

function newPromptId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `prm_${[...randomBytes(24)].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

/** A library change's audit entry, in the transaction of the change. */
function auditPrompt(
  tx: EntityManager,
  prompt: { organization: string; id: string },
  actor: Actor,
  action: string,
  details: Record<string, unknown>,
) {
  return recordActorAudit(tx, actor, prompt.organization, { type: 'prompt', id: prompt.id }, action, details);
}

function builtInRefused(): DomainError {
  return new DomainError(409, 'Built-in prompts cannot be changed: duplicate it to make an editable copy');
}

/** A prompt row of the caller's organization, or 404 (a built-in: 409 for changes). */
async function editablePrompt(em: EntityManager, promptId: string, lock = false): Promise<IPrompt> {
  if (isBuiltInPrompt(promptId)) throw builtInRefused();
  const prompt = await em.findOne(
    Prompt,
    { id: promptId },
    lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {},
  );
  if (!prompt) throw new DomainError(404, 'Prompt not found');
  return prompt;
}

/** Only the prompt's creator or an admin may change it. */
export function assertMayChange(prompt: { createdById?: string | null }, actor: { id: string; role: string }): void {
  if (actor.role !== 'admin' && prompt.createdById !== actor.id)
    throw new DomainError(403, "Only the prompt's creator or an admin can change it");
}

function versionRow(
  prompt: IPrompt,
  version: number,
  input: VersionInput,
  actor: Actor,
  extraWarnings: string[],
): Omit<IPromptVersion, 'id' | 'createdAt'> & { createdAt: Date } {
  return {
    prompt: prompt.id,
    version,
    organization: prompt.organization,
    instructions: input.instructions,
    input: input.input ?? null,
    model: input.model,
    reasoningEffort: input.reasoningEffort ?? null,
    temperature: input.temperature ?? null,
    maxOutputTokens: input.maxOutputTokens ?? null,
    outputSchema: input.outputSchema,
    note: input.note ?? null,
    createdById: actor.id,
    createdByEmail: actor.email,
    createdAt: new Date(),
    warnings: [...schemaWarnings(input.outputSchema), ...extraWarnings],
  };
}

function assertValidVersion(kind: PromptKind, input: VersionInput): void {
  const errors = versionErrors(kind, input);
  if (Object.keys(errors).length) throw new DomainError(400, 'The prompt version cannot be saved', errors);
}

export async function createPrompt(
  em: EntityManager,
  input: {
    organizationId: string;
    actor: Actor;
    name: string;
    kind: PromptKind;
    description?: string | null | undefined;
    version: VersionInput;
    /** Warnings found by a model check before saving (near shutdown). */
    modelWarnings?: string[];
  },
): Promise<IPrompt> {
  assertValidVersion(input.kind, input.version);
  return em.transactional(async (tx) => {
    const prompt = tx.create(Prompt, {
      id: newPromptId(),
      organization: input.organizationId,
      name: input.name,
      kind: input.kind,
      description: input.description ?? null,
      createdById: input.actor.id,
      createdByEmail: input.actor.email,
      latestVersion: 1,
      labels: { [PRODUCTION_LABEL]: 1 },
    });
    tx.create(PromptVersion, versionRow(prompt, 1, input.version, input.actor, input.modelWarnings ?? []));
    await auditPrompt(
      tx,
      { organization: input.organizationId, id: prompt.id },
      input.actor,
      AUDIT_ACTIONS.promptCreated,
      { name: input.name, kind: input.kind, model: input.version.model },
    );
    return prompt;
  });
}

export async function addVersion(
  em: EntityManager,
  input: { promptId: string; actor: Actor & { role: string }; version: VersionInput; modelWarnings?: string[] },
): Promise<IPromptVersion> {
  return em.transactional(async (tx) => {
    const prompt = await editablePrompt(tx, input.promptId, true);
    assertMayChange(prompt, input.actor);
    assertValidVersion(prompt.kind, input.version);
    const next = prompt.latestVersion + 1;
    prompt.latestVersion = next;
    const row = tx.create(
      PromptVersion,
      versionRow(prompt, next, input.version, input.actor, input.modelWarnings ?? []),
    );
    await auditPrompt(
      tx,
      { organization: prompt.organization, id: prompt.id },
      input.actor,
      AUDIT_ACTIONS.promptVersionCreated,
      { version: next, model: input.version.model, note: input.version.note ?? null },
    );
    return row;
  });
}

export async function setLabel(
  em: EntityManager,
  input: { promptId: string; label: string; version: number; actor: Actor & { role: string } },
): Promise<IPrompt> {
  if (!LABEL_PATTERN.test(input.label))
    throw new DomainError(400, 'Invalid label', { label: `must match ${LABEL_PATTERN.source}` });
  return em.transactional(async (tx) => {
    const prompt = await editablePrompt(tx, input.promptId, true);
    assertMayChange(prompt, input.actor);
    if (!Number.isInteger(input.version) || input.version < 1 || input.version > prompt.latestVersion)
      throw new DomainError(400, 'No such version', {
        version: `must be a version of this prompt (1 to ${prompt.latestVersion})`,
      });
    const previous = prompt.labels[input.label] ?? null;
    prompt.labels = { ...prompt.labels, [input.label]: input.version };
    await auditPrompt(
      tx,
      { organization: prompt.organization, id: prompt.id },
      input.actor,
      AUDIT_ACTIONS.promptLabelMoved,
      { label: input.label, version: input.version, previousVersion: previous },
    );
    return prompt;
  });
}

export async function deleteLabel(
  em: EntityManager,
  input: { promptId: string; label: string; actor: Actor & { role: string } },
): Promise<void> {
  if (input.label === PRODUCTION_LABEL) {
    if (isBuiltInPrompt(input.promptId)) throw builtInRefused();
    throw new DomainError(409, 'The production label cannot be deleted: point it at another version instead');
  }
  await em.transactional(async (tx) => {
    const prompt = await editablePrompt(tx, input.promptId, true);
    assertMayChange(prompt, input.actor);
    if (!(input.label in prompt.labels)) throw new DomainError(404, 'Label not found');
    const removed = prompt.labels[input.label] ?? null;
    const rest = { ...prompt.labels };
    delete rest[input.label];
    prompt.labels = rest;
    await auditPrompt(
      tx,
      { organization: prompt.organization, id: prompt.id },
      input.actor,
      AUDIT_ACTIONS.promptLabelMoved,
      { label: input.label, version: null, previousVersion: removed ?? null },
    );
  });
}

/** Who refers to the prompt (user settings, organization defaults), for the 409 of a deletion. */
async function promptUsers(em: EntityManager, promptId: string): Promise<string[]> {
  // The prompt itself (`prm_x`) or any of its versions and labels (`prm_x@…`); ids are alphanumeric, so the
  // LIKE pattern holds no wildcard of the caller's.
  const refersTo = <const K extends string>(column: K) => [
    { [column]: promptId } as Record<K, string>,
    { [column]: { $like: `${promptId}@%` } } as Record<K, { $like: string }>,
  ];
  const users = await em.find(
    User,
    { $or: [...refersTo('openaiIndividualPromptId'), ...refersTo('openaiCompletePromptId')] },
    { fields: ['id', 'email'], orderBy: { email: 'asc' }, limit: 20 },
  );
  const uses = users.map((user) => user.email);
  const organization = await em.findOne(Organization, {
    $or: [...refersTo('defaultIndividualPrompt'), ...refersTo('defaultCompletePrompt')],
  });
  if (organization) uses.push('the organization default');
  return uses;
}

export async function deletePrompt(
  em: EntityManager,
  input: { promptId: string; actor: Actor & { role: string } },
): Promise<void> {
  await em.transactional(async (tx) => {
    const prompt = await editablePrompt(tx, input.promptId, true);
    assertMayChange(prompt, input.actor);
    const uses = await promptUsers(tx, prompt.id);
    if (uses.length)
      throw new DomainError(409, `The prompt is in use by ${uses.join(', ')}: change those settings first`);
    await auditPrompt(
      tx,
      { organization: prompt.organization, id: prompt.id },
      input.actor,
      AUDIT_ACTIONS.promptDeleted,
      { name: prompt.name, kind: prompt.kind },
    );
    await tx.nativeDelete(PromptVersion, { prompt: prompt.id });
    tx.remove(prompt);
  });
}

/** A version of a prompt of the caller's organization or of a built-in, as the pipeline runs it. */
export async function loadVersionSpec(
  em: EntityManager,
  promptId: string,
  version: number,
  defaultModel: string,
): Promise<PromptVersionSpec | null> {
  if (isBuiltInPrompt(promptId)) return builtInVersion(promptId, version, defaultModel) ?? null;
  const row = await em.findOne(PromptVersion, { prompt: promptId, version });
  if (!row) return null;
  const prompt = await em.findOne(Prompt, { id: promptId }, { fields: ['id', 'name', 'kind'] });
  if (!prompt) return null;
  return specOf(row, prompt);
}

/** A stored version's content, normalized (the double column may arrive as text). */
export function versionFields(row: IPromptVersion) {
  return {
    promptId: row.prompt,
    version: row.version,
    instructions: row.instructions,
    input: row.input ?? null,
    model: row.model,
    reasoningEffort: row.reasoningEffort ?? null,
    temperature: row.temperature == null ? null : Number(row.temperature),
    maxOutputTokens: row.maxOutputTokens ?? null,
    outputSchema: row.outputSchema,
    note: row.note ?? null,
  };
}

function specOf(row: IPromptVersion, prompt: Pick<IPrompt, 'name' | 'kind'>): PromptVersionSpec {
  return { ...versionFields(row), promptName: prompt.name, kind: prompt.kind, builtIn: false };
}

export type RefResolution =
  | { ok: true; spec: PromptVersionSpec }
  | {
      ok: false;
      reason: 'malformed' | 'retired' | 'not_found' | 'no_label' | 'no_version' | 'wrong_kind';
      error: string;
    };

/** What resolution needs of a prompt row: labels move, so they are read for every resolution. */
export interface PromptHead {
  kind: PromptKind;
  labels: Record<string, number>;
}

/**
 * Where resolution reads from. By default the database, through `em`; the pipeline passes the prompt rows it
 * read in the statement that starts its step, and its cache of immutable versions.
 */
export interface RefSources {
  /** The organization's prompt rows by id, read already (null: no such prompt); ids absent are read. */
  prompts?: ReadonlyMap<string, PromptHead | null>;
  version?: (promptId: string, version: number) => Promise<PromptVersionSpec | null>;
}

/** What a reference points to now, or why it cannot run. `kind`: the field it is meant for. */
export async function resolveRef(
  em: EntityManager,
  ref: string,
  options: { kind?: PromptKind; defaultModel: string; sources?: RefSources },
): Promise<RefResolution> {
  const parsed = parsePromptRef(ref);
  if ('error' in parsed)
    return { ok: false, reason: isRetiredOpenAIPrompt(ref) ? 'retired' : 'malformed', error: parsed.error };
  const builtIn = builtInPromptById(parsed.promptId);
  const known = options.sources?.prompts;
  const row = builtIn
    ? null
    : known?.has(parsed.promptId)
      ? known.get(parsed.promptId)
      : await em.findOne(Prompt, { id: parsed.promptId }, { fields: ['id', 'kind', 'labels'] });
  const prompt: { kind: PromptKind; labels: Record<string, number> } | null = builtIn
    ? { kind: builtIn.kind, labels: { [PRODUCTION_LABEL]: builtIn.versions.length } }
    : row
      ? { kind: row.kind, labels: row.labels }
      : null;
  if (!prompt)
    return { ok: false, reason: 'not_found', error: `Prompt ${parsed.promptId} does not exist (or was deleted)` };
  if (options.kind && prompt.kind !== options.kind)
    return {
      ok: false,
      reason: 'wrong_kind',
      error: `Prompt ${parsed.promptId} is ${prompt.kind === 'individual' ? 'an' : 'a'} ${prompt.kind} prompt, not ${options.kind}`,
    };
  const version = parsed.version ?? prompt.labels[parsed.label ?? PRODUCTION_LABEL];
  if (version === undefined)
    return { ok: false, reason: 'no_label', error: `Prompt ${parsed.promptId} has no label "${parsed.label}"` };
  const spec = options.sources?.version
    ? await options.sources.version(parsed.promptId, version)
    : await loadVersionSpec(em, parsed.promptId, version, options.defaultModel);
  if (!spec) return { ok: false, reason: 'no_version', error: `Prompt ${parsed.promptId} has no version ${version}` };
  return { ok: true, spec };
}

export async function duplicatePrompt(
  em: EntityManager,
  input: {
    organizationId: string;
    promptId: string;
    version?: number | undefined;
    name: string;
    actor: Actor;
    defaultModel: string;
  },
): Promise<IPrompt> {
  const ref = input.version === undefined ? input.promptId : `${input.promptId}@${input.version}`;
  const source = await resolveRef(em, ref, { defaultModel: input.defaultModel });
  if (!source.ok) throw new DomainError(source.reason === 'no_version' ? 400 : 404, source.error);
  const { spec } = source;
  return createPrompt(em, {
    organizationId: input.organizationId,
    actor: input.actor,
    name: input.name,
    kind: spec.kind,
    description: `Duplicated from ${spec.promptName} v${spec.version}`,
    version: {
      instructions: spec.instructions,
      input: spec.input,
      model: spec.model,
      reasoningEffort: spec.reasoningEffort,
      temperature: spec.temperature,
      maxOutputTokens: spec.maxOutputTokens,
      outputSchema: spec.outputSchema,
      note: `Duplicated from ${spec.promptId}@${spec.version}`,
    },
  });
}
