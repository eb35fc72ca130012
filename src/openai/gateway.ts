// The one door to OpenAI: sends a prompt version inline to the Responses API (instructions, input, model
// settings and a strict JSON Schema output), looks models up, and classifies failures. Stored prompts
// (`prompt: { id }`) are never sent: OpenAI shut them down. The SDK's own retries are off (maxRetries: 0):
// Temporal's retry policy owns retries.
import OpenAI from 'openai';
import type { Config } from '../config.js';
import type { OpenAIRequestObservation } from '../observability/metrics.js';
import { schemaName, type PromptVersionSpec } from '../domain/prompts/version-spec.js';
import {
  InvalidOutputError,
  ModelNotFoundError,
  OpenAIBadRequestError,
  OpenAINotConfiguredError,
  OpenAIRequestError,
  OpenAIUnauthorizedError,
  OpenAIUnavailableError,
  RateLimitedError,
  retryAfterMs,
} from './errors.js';

type ServiceTier = 'flex' | 'default';

export interface PromptRun {
  /** The version to run (model settings and schema); its templates are already rendered below. */
  spec: Pick<
    PromptVersionSpec,
    | 'promptId'
    | 'promptName'
    | 'version'
    | 'model'
    | 'reasoningEffort'
    | 'temperature'
    | 'maxOutputTokens'
    | 'outputSchema'
  >;
  instructions: string;
  input: string;
  /** Caps the answer below the version's own limit (validation and previews). */
  maxOutputTokens?: number;
  serviceTier?: ServiceTier;
  /** Aborts the request (a cancelled or timed-out activity stops waiting for OpenAI). */
  signal?: AbortSignal;
}

interface PromptResult {
  outputText: string;
  model: string;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number } | null;
  responseId: string;
}

export interface ModelInfo {
  id: string;
  /** `YYYY-MM-DD` when OpenAI announced the model's shutdown. */
  shutdownDate: string | null;
}

export interface OpenAIGateway {
  /** False without OPENAI_API_KEY and OPENAI_BASE_URL: nothing can be sent. */
  readonly configured: boolean;
  runPrompt(run: PromptRun): Promise<PromptResult>;
  model(id: string, signal?: AbortSignal): Promise<ModelInfo>;
}

export interface GatewayOptions {
  /** Told about every request once it ends (the worker counts them in its metrics). */
  observe?: (observation: OpenAIRequestObservation) => void;
}

/** The Responses API request body of a run (exported for the tests that read what was sent). */
function responseRequestBody(run: PromptRun) {
  const { spec } = run;
  const maxOutputTokens =
    run.maxOutputTokens !== undefined && spec.maxOutputTokens !== null
      ? Math.min(run.maxOutputTokens, spec.maxOutputTokens)
      : (run.maxOutputTokens ?? spec.maxOutputTokens);
  return {
    model: spec.model,
    instructions: run.instructions,
    input: run.input,
    text: {
      format: {
        type: 'json_schema' as const,
        name: schemaName(spec.promptName),
        schema: spec.outputSchema,
        strict: true,
      },
    },
    ...(spec.reasoningEffort ? { reasoning: { effort: spec.reasoningEffort } } : {}),
    ...(spec.temperature !== null ? { temperature: spec.temperature } : {}),
    ...(maxOutputTokens !== null && maxOutputTokens !== undefined ? { max_output_tokens: maxOutputTokens } : {}),
    ...(run.serviceTier ? { service_tier: run.serviceTier } : {}),
    // Nothing is kept at OpenAI: the analysis lives in CallSense.
    store: false,
    metadata: { callsense_prompt: `${spec.promptId}@${spec.version}` },
  };
}

export function createOpenAIGateway(config: Config['openai'], options: GatewayOptions = {}): OpenAIGateway {
  if (!config.apiKey && !config.baseURL) {
    return {
      configured: false,
      runPrompt: async () => {
        throw new OpenAINotConfiguredError();
      },
      model: async () => {
        throw new OpenAINotConfiguredError();
      },
    };
  }
  const client = new OpenAI({
    // A compatible server behind OPENAI_BASE_URL may not need a key; the SDK insists on one.
    apiKey: config.apiKey ?? 'sk-no-key-configured',
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    timeout: config.timeoutMs,
    maxRetries: 0,
  });
  return {
    configured: true,
    async runPrompt(run) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        // The body is typed loosely: reasoning efforts and tiers newer than the SDK's types are valid requests.
        const response = await client.responses.create(
          responseRequestBody(run) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming,
          run.signal ? { signal: run.signal } : undefined,
        );
        const result: PromptResult = {
          outputText: response.output_text,
          model: response.model,
          usage: response.usage
            ? {
                inputTokens: response.usage.input_tokens,
                outputTokens: response.usage.output_tokens,
                totalTokens: response.usage.total_tokens,
              }
            : null,
          responseId: response.id,
        };
        options.observe?.({ outcome: 'success', status: '200', seconds: seconds(), usage: result.usage });
        return result;
      } catch (error) {
        const classified = classifyOpenAIError(error, run.spec.model);
        const status = error instanceof OpenAI.APIError && error.status ? String(error.status) : 'none';
        options.observe?.({ outcome: classified.kind, status, seconds: seconds() });
        throw classified;
      }
    },
    async model(id, signal) {
      try {
        const model = await client.models.retrieve(id, signal ? { signal } : undefined);
        const shutdown = (model as { shutdown_date?: unknown }).shutdown_date;
        return { id: model.id, shutdownDate: typeof shutdown === 'string' ? shutdown : null };
      } catch (error) {
        throw classifyOpenAIError(error, id);
      }
    },
  };
}

function classifyOpenAIError(error: unknown, model: string): OpenAIRequestError {
  if (error instanceof OpenAIRequestError) return error;
  if (error instanceof OpenAI.APIConnectionError) {
    return new OpenAIUnavailableError(`Could not reach OpenAI: ${error.message}`);
  }
  if (error instanceof OpenAI.APIError) {
    const message = apiMessage(error) ?? error.message;
    if (error.status === 404) return new ModelNotFoundError(model);
    if (error.status === 429) return new RateLimitedError(`OpenAI rate limit: ${message}`, retryAfterMs(error.headers));
    if (error.status === 401 || error.status === 403)
      return new OpenAIUnauthorizedError(`OpenAI rejected the API key: ${message}`, error.status);
    if (error.status === 408 || error.status === 409 || (error.status ?? 500) >= 500) {
      return new OpenAIUnavailableError(`OpenAI error ${error.status}: ${message}`, error.status);
    }
    return new OpenAIBadRequestError(`OpenAI rejected the request (${error.status}): ${message}`, error.status);
  }
  return new OpenAIUnavailableError(`OpenAI request failed: ${(error as Error)?.message ?? String(error)}`);
}

/** OpenAI's own message, without the SDK's status prefix. */
function apiMessage(error: InstanceType<typeof OpenAI.APIError>): string | undefined {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : undefined;
}

/** The analysis contract: `output_text` must be a JSON object. */
export function parseJsonObject(outputText: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(outputText);
  } catch {
    throw new InvalidOutputError(`The prompt's output is not JSON: ${JSON.stringify(outputText.slice(0, 120))}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidOutputError("The prompt's output is JSON but not an object");
  }
  return parsed as Record<string, unknown>;
}
