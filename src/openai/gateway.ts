// The one door to OpenAI: runs a stored prompt through the Responses API and classifies failures.
// The SDK's own retries are off (maxRetries: 0): Temporal's retry policy owns retries.
import OpenAI from 'openai';
import type { Config } from '../config.js';
import type { OpenAIRequestObservation } from '../observability/metrics.js';
import {
  InvalidOutputError,
  OpenAIBadRequestError,
  OpenAINotConfiguredError,
  OpenAIRequestError,
  OpenAIUnauthorizedError,
  OpenAIUnavailableError,
  PromptNotFoundError,
  RateLimitedError,
  retryAfterMs,
} from './errors.js';

export interface PromptRun {
  promptId: string;
  input: string;
  maxOutputTokens?: number;
  store?: boolean;
  /** Aborts the request (a cancelled or timed-out activity stops waiting for OpenAI). */
  signal?: AbortSignal;
}

interface PromptResult {
  outputText: string;
  model: string;
  promptVersion: string | null;
  temperature: number | null;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number } | null;
  responseId: string;
}

export interface OpenAIGateway {
  runPrompt(run: PromptRun): Promise<PromptResult>;
}

export interface GatewayOptions {
  /** Told about every request once it ends (the worker counts them in its metrics). */
  observe?: (observation: OpenAIRequestObservation) => void;
}

export function createOpenAIGateway(config: Config['openai'], options: GatewayOptions = {}): OpenAIGateway {
  if (!config.apiKey && !config.baseURL) {
    return {
      runPrompt: async () => {
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
    async runPrompt(run) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const response = await client.responses.create(
          {
            prompt: { id: run.promptId },
            input: run.input,
            ...(run.maxOutputTokens ? { max_output_tokens: run.maxOutputTokens } : {}),
            ...(run.store !== undefined ? { store: run.store } : {}),
          },
          run.signal ? { signal: run.signal } : undefined,
        );
        const result: PromptResult = {
          outputText: response.output_text,
          model: response.model,
          promptVersion: response.prompt?.version ?? null,
          temperature: response.temperature ?? null,
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
        const classified = classifyOpenAIError(error);
        const status = error instanceof OpenAI.APIError && error.status ? String(error.status) : 'none';
        options.observe?.({ outcome: classified.kind, status, seconds: seconds() });
        throw classified;
      }
    },
  };
}

function classifyOpenAIError(error: unknown): OpenAIRequestError {
  if (error instanceof OpenAIRequestError) return error;
  if (error instanceof OpenAI.APIConnectionError) {
    return new OpenAIUnavailableError(`Could not reach OpenAI: ${error.message}`);
  }
  if (error instanceof OpenAI.APIError) {
    const message = error.message;
    if (error.status === 404) return new PromptNotFoundError(apiMessage(error) ?? message);
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

/** OpenAI's own message (`Prompt with id '…' not found.`), without the SDK's status prefix. */
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
