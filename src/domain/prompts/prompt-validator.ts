// Can this prompt reference run? It resolves (no OpenAI call for a malformed or unknown reference); its model
// exists at OpenAI (with its announced shutdown date); and a live run on a short built-in sample transcript
// returns output that matches the version's schema. Definite answers are cached per (version, model).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OpenAIGateway } from '../../openai/gateway.js';
import { OpenAIRequestError } from '../../openai/errors.js';
import { publicOpenAIMessage } from '../../openai/public-message.js';
import { ModelCatalog, shutdownWarning } from './model-catalog.js';
import { PromptVersion } from './prompt.entity.js';
import { resolveRef, schemaWarnings } from './prompt-library.js';
import type { PromptKind } from './prompt-ref.js';
import { checkedOutput, renderPrompt } from './render.js';
import { SAMPLE_COMPLETE_INPUT, SAMPLE_VARIABLES } from './sample-transcript.js';
import type { PromptVersionSpec } from './version-spec.js';
import type { PriceTable } from '../experiments/prices.js';
import { recordUsage } from '../usage/budget.js';

interface ValidationDetails {
  promptId: string;
  promptVersion: number;
  model: string;
  temperature: number | null;
  reasoningEffort: string | null;
  shutdownDate: string | null;
  warnings: string[];
}

export type PromptValidation =
  | { valid: true; details: ValidationDetails }
  | { valid: false; error: string; details?: ValidationDetails };

/** Enough room for a complete answer in any reasonable schema; a validation must not cost more. */
const VALIDATION_MAX_OUTPUT_TOKENS = 4000;

export interface PromptValidatorOptions {
  validTtlMs?: number;
  invalidTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
  warningDays: number;
  defaultModel: string;
  /** Prices of the validation runs recorded in the organization's daily usage (the token budget counts them). */
  prices?: PriceTable;
}

export class PromptValidator {
  readonly #cache = new Map<string, { result: PromptValidation; expiresAt: number }>();
  readonly #inFlight = new Map<string, Promise<PromptValidation>>();
  readonly models: ModelCatalog;

  constructor(
    private readonly openai: OpenAIGateway,
    private readonly options: PromptValidatorOptions,
  ) {
    this.models = new ModelCatalog(openai);
  }

  get configured(): boolean {
    return this.openai.configured;
  }

  /** Resolution only (no OpenAI call): the version, or why the reference cannot be used for `kind`. */
  async resolve(em: EntityManager, ref: string, kind?: PromptKind) {
    return resolveRef(em, ref, { ...(kind ? { kind } : {}), defaultModel: this.options.defaultModel });
  }

  async validate(em: EntityManager, organizationId: string, ref: string, kind?: PromptKind): Promise<PromptValidation> {
    const resolved = await this.resolve(em, ref, kind);
    if (!resolved.ok) return { valid: false, error: resolved.error };
    const { spec } = resolved;
    const key = `${spec.builtIn ? '' : organizationId}:${spec.promptId}@${spec.version}:${spec.model}`;
    const now = this.options.now?.() ?? Date.now();
    const cached = this.#cache.get(key);
    if (cached && cached.expiresAt > now) return cached.result;
    this.#cache.delete(key);
    let check = this.#inFlight.get(key);
    if (!check) {
      check = this.#liveCheck(em, organizationId, spec, key).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, check);
    }
    return check;
  }

  async #liveCheck(
    em: EntityManager,
    organizationId: string,
    spec: PromptVersionSpec,
    key: string,
  ): Promise<PromptValidation> {
    const base = {
      promptId: spec.promptId,
      promptVersion: spec.version,
      model: spec.model,
      temperature: spec.temperature,
      reasoningEffort: spec.reasoningEffort,
    };
    try {
      const model = await this.models.lookup(spec.model);
      const shutdown = shutdownWarning(spec.model, model, this.options.warningDays);
      const warnings = [...schemaWarnings(spec.outputSchema), ...(shutdown ? [shutdown] : [])];
      const details: ValidationDetails = { ...base, shutdownDate: model?.shutdownDate ?? null, warnings };
      if (!spec.builtIn) await storeWarnings(em, spec, warnings);
      if (model === null) return this.#remember(key, { valid: false, error: `model ${spec.model} not found`, details });
      const rendered = renderPrompt(spec, SAMPLE_VARIABLES, SAMPLE_COMPLETE_INPUT);
      const run = await this.openai.runPrompt({ spec, ...rendered, maxOutputTokens: VALIDATION_MAX_OUTPUT_TOKENS });
      await recordUsage(em, organizationId, run.usage, { prices: this.options.prices ?? {}, model: run.model });
      checkedOutput(spec, run.outputText);
      return this.#remember(key, { valid: true, details });
    } catch (error) {
      if (!(error instanceof OpenAIRequestError)) throw error;
      switch (error.kind) {
        case 'model_not_found':
        case 'bad_request':
        case 'invalid_output':
          return this.#remember(key, { valid: false, error: publicOpenAIMessage(error) });
        case 'unauthorized':
          // OpenAI's own message quotes part of the key: keep it out of API answers.
          return { valid: false, error: 'Could not verify with OpenAI: OpenAI rejected the configured API key' };
        default:
          return { valid: false, error: `Could not verify with OpenAI: ${publicOpenAIMessage(error)}` };
      }
    }
  }

  #remember(key: string, result: PromptValidation): PromptValidation {
    const ttl = result.valid ? (this.options.validTtlMs ?? 5 * 60_000) : (this.options.invalidTtlMs ?? 60_000);
    if (this.#cache.size >= (this.options.maxEntries ?? 1000)) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, { result, expiresAt: (this.options.now?.() ?? Date.now()) + ttl });
    return result;
  }
}

/** A version's warnings follow its model's latest check (a version is otherwise immutable). */
async function storeWarnings(
  em: EntityManager,
  spec: Pick<PromptVersionSpec, 'promptId' | 'version'>,
  warnings: string[],
) {
  await em.nativeUpdate(PromptVersion, { prompt: spec.promptId, version: spec.version }, { warnings });
}
