// Is this prompt id usable? The format first (no OpenAI call for a malformed id), then a tiny live run.
import type { OpenAIGateway } from '../../openai/gateway.js';
import {
  OpenAIBadRequestError,
  OpenAIRequestError,
  OpenAIUnauthorizedError,
  PromptNotFoundError,
} from '../../openai/errors.js';
import { publicOpenAIMessage } from '../../openai/public-message.js';

const PROMPT_ID_PATTERN = /^pmpt_[A-Za-z0-9_-]{1,250}$/;

export type PromptValidation =
  | { valid: true; details: { model: string; temperature: number | null } }
  | { valid: false; error: string };

/** Null when `promptId` looks like an OpenAI prompt id, else why not. */
export function promptIdFormatError(promptId: string): string | null {
  return PROMPT_ID_PATTERN.test(promptId) ? null : `Not an OpenAI prompt id: it must match ${PROMPT_ID_PATTERN.source}`;
}

export interface PromptValidatorOptions {
  validTtlMs?: number;
  /** Shorter: someone who just published a missing prompt should not wait long. */
  notFoundTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Caches definite answers (valid, or rejected by OpenAI) in this process for a few minutes, so saving settings
 * right after validating them, or many users picking the same prompt, does not repeat the OpenAI call.
 * One instance per API app (made by the prompts plugin): nothing shared between processes, nothing persisted,
 * and a stale answer lasts at most one TTL. Failures to reach OpenAI are not answers about the prompt: never cached.
 */
export class PromptValidator {
  readonly #cache = new Map<string, { result: PromptValidation; expiresAt: number }>();
  /** Concurrent checks of one id (both fields of a PUT, two users at once) share one OpenAI call. */
  readonly #inFlight = new Map<string, Promise<PromptValidation>>();
  readonly #validTtlMs: number;
  readonly #notFoundTtlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(
    private readonly openai: OpenAIGateway,
    options: PromptValidatorOptions = {},
  ) {
    this.#validTtlMs = options.validTtlMs ?? 5 * 60_000;
    this.#notFoundTtlMs = options.notFoundTtlMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  async validate(promptId: string): Promise<PromptValidation> {
    const formatError = promptIdFormatError(promptId);
    if (formatError) return { valid: false, error: formatError };

    const cached = this.#cache.get(promptId);
    if (cached && cached.expiresAt > this.#now()) return cached.result;
    this.#cache.delete(promptId);

    let check = this.#inFlight.get(promptId);
    if (!check) {
      check = this.#liveCheck(promptId).finally(() => this.#inFlight.delete(promptId));
      this.#inFlight.set(promptId, check);
    }
    return check;
  }

  async #liveCheck(promptId: string): Promise<PromptValidation> {
    try {
      const run = await this.openai.runPrompt({ promptId, input: 'ping', maxOutputTokens: 16, store: false });
      return this.#remember(
        promptId,
        { valid: true, details: { model: run.model, temperature: run.temperature } },
        this.#validTtlMs,
      );
    } catch (error) {
      if (error instanceof PromptNotFoundError || error instanceof OpenAIBadRequestError) {
        return this.#remember(promptId, { valid: false, error: publicOpenAIMessage(error) }, this.#notFoundTtlMs);
      }
      if (error instanceof OpenAIUnauthorizedError) {
        // OpenAI's own message quotes part of the key: keep it out of API answers.
        return { valid: false, error: 'Could not verify with OpenAI: OpenAI rejected the configured API key' };
      }
      if (error instanceof OpenAIRequestError)
        return { valid: false, error: `Could not verify with OpenAI: ${publicOpenAIMessage(error)}` };
      throw error;
    }
  }

  #remember(promptId: string, result: PromptValidation, ttlMs: number): PromptValidation {
    // Bounded: the oldest entry (Map keeps insertion order) makes room for the newest.
    if (this.#cache.size >= this.#maxEntries) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(promptId, { result, expiresAt: this.#now() + ttlMs });
    return result;
  }
}
