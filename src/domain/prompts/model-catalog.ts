// What OpenAI says about a model (does it exist, when does it shut down), asked of `GET /v1/models/{id}` and
// kept for a while per process: validations, saves and the daily health check of many versions that share a
// model ask once. Failures to reach OpenAI are not answers about the model: never kept.
import type { ModelInfo, OpenAIGateway } from '../../openai/gateway.js';

const DAY_MS = 86_400_000;

export class ModelCatalog {
  readonly #cache = new Map<string, { info: ModelInfo | null; expiresAt: number }>();

  constructor(
    private readonly openai: OpenAIGateway,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The model, null when OpenAI says it does not exist; throws when OpenAI cannot answer. */
  async lookup(model: string): Promise<ModelInfo | null> {
    const cached = this.#cache.get(model);
    if (cached && cached.expiresAt > this.now()) return cached.info;
    let info: ModelInfo | null;
    try {
      info = await this.openai.model(model);
    } catch (error) {
      if ((error as { kind?: string }).kind !== 'model_not_found') throw error;
      info = null;
    }
    if (this.#cache.size >= 500) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(model, { info, expiresAt: this.now() + this.ttlMs });
    return info;
  }
}

/** The warning for a model whose shutdown is announced within `warningDays` (null: none). */
export function shutdownWarning(
  model: string,
  info: ModelInfo | null,
  warningDays: number,
  now = Date.now(),
): string | null {
  if (info === null) return `Model ${model} is not available from OpenAI (it does not exist or was shut down)`;
  if (!info.shutdownDate) return null;
  const days = Math.ceil((Date.parse(`${info.shutdownDate}T00:00:00Z`) - now) / DAY_MS);
  if (!Number.isFinite(days) || days > warningDays) return null;
  return days <= 0
    ? `Model ${model} was shut down on ${info.shutdownDate}`
    : `Model ${model} shuts down on ${info.shutdownDate} (in ${days} day${days === 1 ? '' : 's'}): move this prompt to another model`;
}
