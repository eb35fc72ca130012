// A local OpenAI-compatible server for tests and benchmarks, playing today's Responses API: every analysis is
// sent inline (`model`, `instructions`, `input`, a strict `json_schema` text format) and tagged with
// `metadata.callsense_prompt = "<promptId>@<version>"`. It answers like the real API: the retired stored-prompt
// field (`prompt`) is a 404, unknown models are a 404 `model_not_found`, strict schemas are checked the way
// strict structured outputs check them, flex is only for models that offer it; plus `GET /v1/models[/{id}]`.
// Scriptable per prompt key (`prm_x@3` first, then `prm_x`, then a default script); counts and records every
// request. Listens on 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  /** The prompt id part of `metadata.callsense_prompt` (before '@'). */
  promptKey: string | undefined;
  /** The whole `metadata.callsense_prompt` value (`prm_x@3`). */
  promptRef: string | undefined;
  model: string | undefined;
  instructions: string | undefined;
  input: unknown;
  /** `service_tier` as sent. */
  serviceTier: string | undefined;
  body: Record<string, unknown>;
  at: number;
  /** The usage reported in a successful answer. */
  usage?: { inputTokens: number; outputTokens: number };
}

/** An answer with this status (and headers/body): a rate limit, a server error, an outage. */
export type StatusBehavior = { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number };

/** One scripted answer, consumed by one request (queued per prompt key or ref). */
export type Behavior = StatusBehavior | { output: string; delayMs?: number } | { delayMs: number };

export interface PromptScript {
  /** Produces `output_text` from the request's input (default: JSON generated from the request's schema). */
  respond?: (input: string, body: Record<string, unknown>) => string;
  /** Delay every answer by this much (slow model). */
  delayMs?: number;
  /** The model name reported in the answer instead of the requested one (e.g. a dated snapshot). */
  model?: string;
}

export interface ModelOptions {
  /** `YYYY-MM-DD`, reported as `shutdown_date`; absent when no shutdown is announced. */
  shutdownDate?: string;
  /** Whether `service_tier: "flex"` is accepted for this model (default true). */
  flex?: boolean;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1`, for the SDK's `baseURL`. */
  baseURL: string;
  /** Every `POST /v1/responses`, the rejected ones too, in arrival order. */
  requests: RecordedRequest[];
  /** Model ids asked of `GET /v1/models/{id}`, in order. */
  modelRequests: string[];
  /** Scripts answers for a prompt key (`prm_x`) or an exact ref (`prm_x@3`, which wins over the key). */
  definePrompt(key: string, script?: PromptScript): void;
  removePrompt(key: string): void;
  /** The script for requests no defined key or ref matches (`null` restores the built-in one). */
  setDefaultScript(script: PromptScript | null): void;
  /** One-shot answers for requests whose ref or key is `key` (an exact ref's queue is used first). */
  enqueue(key: string, ...behaviors: Behavior[]): void;
  /** While set, every responses request gets this answer: an outage. `null` ends it. Not the models endpoint. */
  setOutage(behavior: StatusBehavior | null): void;
  /** While set, every models request gets this answer. `null` ends it. */
  setModelsOutage(behavior: StatusBehavior | null): void;
  defineModel(id: string, options?: ModelOptions): void;
  removeModel(id: string): void;
  /** Responses requests whose prompt key or ref is `key`; all of them when `key` is undefined. */
  count(key?: string): number;
  /** The most requests for this prompt key (or ref) open at the same time; across all requests when undefined. */
  maxConcurrent(key?: string): number;
  /** Forgets requests, model requests, queues and peaks; keeps scripts, models and outages. */
  reset(): void;
  close(): Promise<void>;
}

/** The answer when a request has no schema to follow (plain text format): a small JSON analysis. */
export function defaultRespond(input: string): string {
  const text = String(input);
  return JSON.stringify({
    summary: text.slice(0, 80),
    sentiment: sentimentOf(text),
    interestLevel: Math.min(10, Math.round(text.length / 20)),
    words: text.split(/\s+/).filter(Boolean).length,
  });
}

function sentimentOf(text: string): 'positive' | 'negative' | 'neutral' {
  return /great|love|interested|yes/i.test(text)
    ? 'positive'
    : /no|not interested|expensive/i.test(text)
      ? 'negative'
      : 'neutral';
}

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Follows a local `$ref` (`#/$defs/x`) against the root schema; other nodes are returned as they are. */
function resolveRef(node: Schema, root: Schema): Schema {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 32; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#')) return current;
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) ? target[key] : undefined;
    }
    if (!isObject(target)) return current;
    current = target;
  }
  return current;
}

/** The first non-null type of a node (`type` as a string or an array, or the first non-null `anyOf` branch). */
function firstNonNull(node: Schema, root: Schema): Schema {
  const resolved = resolveRef(node, root);
  const branches = (resolved.anyOf ?? resolved.oneOf) as unknown;
  if (Array.isArray(branches) && branches.length > 0) {
    const pick = branches.find((b) => isObject(b) && resolveRef(b, root).type !== 'null') ?? branches[0];
    return firstNonNull(pick as Schema, root);
  }
  if (Array.isArray(resolved.type)) {
    const type = resolved.type.find((t) => t !== 'null') ?? resolved.type[0] ?? 'null';
    return { ...resolved, type };
  }
  return resolved;
}

function exampleValue(node: Schema, name: string | undefined, input: string, root: Schema): unknown {
  const schema = firstNonNull(node, root);
  if ('const' in schema) return schema.const;
  const members = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
  if (members && members.length > 0) {
    if (name === 'sentiment') {
      const wanted = sentimentOf(input);
      if (members.includes(wanted)) return wanted;
    }
    if ((name === 'budget' || name === 'timeline' || name === 'decisionMaker') && members.includes('unknown')) {
      return 'unknown';
    }
    return members[0];
  }
  const type = schema.type ?? (isObject(schema.properties) ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      return Object.fromEntries(
        Object.entries(properties).map(([key, child]) => [
          key,
          exampleValue(isObject(child) ? child : {}, key, input, root),
        ]),
      );
    }
    case 'array': {
      // Strict outputs honour minItems: produce that many items, else an empty list.
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = isObject(schema.items) ? schema.items : {};
      return Array.from({ length: minItems }, () => exampleValue(items, undefined, input, root));
    }
    case 'string':
      if (name === 'summary') return input.slice(0, 80);
      if (name === 'sentiment') return sentimentOf(input);
      switch (schema.format) {
        case 'date-time':
          return '2026-01-01T00:00:00Z';
        case 'date':
          return '2026-01-01';
        case 'email':
          return 'lead@example.com';
        case 'uuid':
          return '00000000-0000-4000-8000-000000000000';
        default:
          return 'n/a';
      }
    case 'integer':
    case 'number': {
      const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined;
      const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
      let value = name === 'interestLevel' ? Math.min(10, Math.round(input.length / 20)) : (minimum ?? 0);
      if (minimum !== undefined) value = Math.max(minimum, value);
      if (maximum !== undefined) value = Math.min(maximum, value);
      return type === 'integer' ? Math.ceil(value) : value;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return 'n/a';
  }
}

/**
 * A value conforming to `schema` (as strict structured outputs always do), derived from `input` where the
 * property names are CallSense's: `summary`, `sentiment`, `interestLevel`; `unknown` for budget, timeline and
 * decision maker when allowed; otherwise the first enum member, a short string, the minimum or 0, false, [].
 */
export function exampleOutput(schema: Record<string, unknown>, input: string): unknown {
  return exampleValue(schema, undefined, String(input), schema);
}

const isObjectSchema = (node: Schema) =>
  node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object')) || isObject(node.properties);

/**
 * Checks a schema the way strict structured outputs do: the root is an object, and every object schema sets
 * `additionalProperties: false` and lists all (and only) its properties in `required`. Returns the first
 * problem, naming where it is (`#/properties/x/items`), or null.
 */
function strictSchemaProblem(root: Schema): string | null {
  if (root.type !== 'object') {
    return `In context=#, schema must be a JSON Schema of 'type: "object"', got 'type: ${JSON.stringify(root.type ?? null)}'.`;
  }
  const visit = (node: unknown, path: string): string | null => {
    if (!isObject(node)) return null;
    if (isObjectSchema(node)) {
      if (node.additionalProperties !== false) {
        return `In context=${path}, 'additionalProperties' is required to be supplied and to be false.`;
      }
      const keys = Object.keys(isObject(node.properties) ? node.properties : {});
      const required = node.required;
      if (!Array.isArray(required)) {
        return `In context=${path}, 'required' is required to be supplied and to be an array including every key in properties.${keys[0] === undefined ? '' : ` Missing '${keys[0]}'.`}`;
      }
      const missing = keys.find((key) => !required.includes(key));
      if (missing !== undefined) {
        return `In context=${path}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
      }
      const extra = required.find((key) => !keys.includes(key as string));
      if (extra !== undefined) return `In context=${path}, Extra required key '${String(extra)}' supplied.`;
    }
    const children: [unknown, string][] = [];
    for (const group of ['properties', '$defs', 'definitions'] as const) {
      const members = node[group];
      if (isObject(members))
        for (const [key, child] of Object.entries(members)) children.push([child, `${path}/${group}/${key}`]);
    }
    if (Array.isArray(node.items)) {
      for (const [i, child] of node.items.entries()) children.push([child, `${path}/items/${i}`]);
    } else children.push([node.items, `${path}/items`]);
    for (const group of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
      const members = node[group];
      if (!Array.isArray(members)) continue;
      for (const [i, child] of members.entries()) children.push([child, `${path}/${group}/${i}`]);
    }
    for (const [child, childPath] of children) {
      const problem = visit(child, childPath);
      if (problem) return problem;
    }
    return null;
  };
  return visit(root, '#');
}

const REASONING_EFFORTS = ['none', 'low', 'medium', 'high', 'xhigh', 'max'];
const SERVICE_TIERS = ['auto', 'default', 'flex'];

// The Responses API rejects parameters it does not know; `prompt` is handled before this (a 404 of its own).
const KNOWN_PARAMETERS = new Set([
  'model',
  'input',
  'instructions',
  'text',
  'reasoning',
  'temperature',
  'top_p',
  'max_output_tokens',
  'store',
  'service_tier',
  'metadata',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'previous_response_id',
  'conversation',
  'truncation',
  'user',
  'include',
  'background',
  'prompt_cache_key',
  'prompt_cache_retention',
  'safety_identifier',
  'max_tool_calls',
  'top_logprobs',
]);

const DEFAULT_MODELS: [string, ModelOptions][] = [
  ['gpt-6-luna', {}],
  ['gpt-6-luna-mini', {}],
  ['gpt-5-mini', {}],
  ['gpt-4.1', { shutdownDate: '2027-01-14' }],
  ['gpt-4o', { shutdownDate: '2027-01-14' }],
  ['gpt-4.1-mini', { shutdownDate: '2027-01-14' }],
];

// Model creation timestamps are irrelevant to CallSense; a fixed one keeps answers deterministic.
const MODEL_CREATED = 1_767_225_600;

const RETIRED_PROMPT_MESSAGE =
  'Prompt objects are no longer supported: stored prompts were shut down on 2026-11-30. Send instructions and model inline.';

class ApiError {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly code: string | null,
    readonly param: string | null = null,
    readonly type = 'invalid_request_error',
  ) {}
  body() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

const modelNotFound = (id: string) =>
  new ApiError(404, `The model \`${id}\` does not exist or you do not have access to it.`, 'model_not_found');

/** The text a script's `respond` gets: the input string, or the text parts of input messages. */
function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) {
    const parts: string[] = [];
    for (const item of input) {
      if (!isObject(item)) continue;
      if (typeof item.content === 'string') parts.push(item.content);
      else if (Array.isArray(item.content)) {
        for (const part of item.content) if (isObject(part) && typeof part.text === 'string') parts.push(part.text);
      }
    }
    if (parts.length > 0) return parts.join('\n');
  }
  return JSON.stringify(input ?? '');
}

interface Validated {
  model: string;
  format: Record<string, unknown> | undefined;
  effort: string | null;
  tier: 'flex' | 'default';
}

export async function startFakeOpenAI(options: { port?: number } = {}): Promise<FakeOpenAI> {
  const prompts = new Map<string, PromptScript>();
  const models = new Map<string, ModelOptions>(DEFAULT_MODELS);
  const queues = new Map<string, Behavior[]>();
  const requests: RecordedRequest[] = [];
  const modelRequests: string[] = [];
  // Concurrency per prompt key (and ref); '' counts every request.
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  let defaultScript: PromptScript = {};
  let outage: StatusBehavior | null = null;
  let modelsOutage: StatusBehavior | null = null;
  // Responses whose connection closed before they were answered (the client gave up).
  const gone = new WeakSet<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-request-id': `req_${randomUUID().replaceAll('-', '')}`,
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const sendError = (res: ServerResponse, error: ApiError) => send(res, error.status, error.body());
  const sendBehavior = (res: ServerResponse, behavior: StatusBehavior) =>
    send(
      res,
      behavior.status,
      behavior.body ??
        (behavior.status === 429
          ? new ApiError(429, 'Rate limit reached for requests', 'rate_limit_exceeded', null, 'requests').body()
          : new ApiError(
              behavior.status,
              'The server had an error while processing your request. Sorry about that!',
              null,
              null,
              'server_error',
            ).body()),
      behavior.headers,
    );

  /** Waits `ms`; false when the client went away meanwhile (then nothing is to be answered). */
  const wait = async (res: ServerResponse, ms: number) => {
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return !gone.has(res) && !res.destroyed;
  };

  /** The queue a request draws from: its exact ref's when not empty, else its key's. */
  const queueFor = (ref: string | undefined, key: string | undefined): Behavior[] | undefined => {
    for (const name of [ref, key]) {
      const queue = name === undefined ? undefined : queues.get(name);
      if (queue && queue.length > 0) return queue;
    }
    return undefined;
  };

  const validate = (body: Record<string, unknown>): Validated => {
    const unknown = Object.keys(body).find((key) => !KNOWN_PARAMETERS.has(key));
    if (unknown !== undefined) {
      throw new ApiError(400, `Unknown parameter: '${unknown}'.`, 'unknown_parameter', unknown);
    }
    if (body.model === undefined || body.model === null || body.model === '') {
      throw new ApiError(400, "Missing required parameter: 'model'.", 'missing_required_parameter', 'model');
    }
    if (typeof body.model !== 'string') {
      throw new ApiError(400, "Invalid type for 'model': expected a string.", 'invalid_type', 'model');
    }
    const model = models.get(body.model);
    if (!model) throw modelNotFound(body.model);
    if (body.stream === true) {
      throw new ApiError(400, 'Streaming is not supported by this fake server.', 'invalid_value', 'stream');
    }
    if (body.instructions != null && typeof body.instructions !== 'string') {
      throw new ApiError(400, "Invalid type for 'instructions': expected a string.", 'invalid_type', 'instructions');
    }
    if (body.metadata != null) {
      if (!isObject(body.metadata) || Object.values(body.metadata).some((v) => typeof v !== 'string')) {
        throw new ApiError(400, "Invalid 'metadata': expected an object of strings.", 'invalid_type', 'metadata');
      }
    }
    if (body.temperature != null) {
      const temperature = body.temperature;
      if (typeof temperature !== 'number' || temperature < 0 || temperature > 2) {
        throw new ApiError(
          400,
          `Invalid 'temperature': expected a number between 0 and 2, but got ${JSON.stringify(temperature)} instead.`,
          'invalid_value',
          'temperature',
        );
      }
    }
    if (body.max_output_tokens != null) {
      const max = body.max_output_tokens;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 16) {
        throw new ApiError(
          400,
          `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${JSON.stringify(max)} instead.`,
          'integer_below_min_value',
          'max_output_tokens',
        );
      }
    }

    let format: Record<string, unknown> | undefined;
    const text = body.text;
    if (text != null) {
      if (!isObject(text))
        throw new ApiError(400, "Invalid type for 'text': expected an object.", 'invalid_type', 'text');
      const sent = text.format;
      if (sent != null && !(isObject(sent) && sent.type === 'text')) {
        if (!isObject(sent) || sent.type !== 'json_schema') {
          throw new ApiError(
            400,
            `Invalid value for 'text.format.type': expected 'json_schema', got ${JSON.stringify(isObject(sent) ? sent.type : sent)}.`,
            'invalid_value',
            'text.format.type',
          );
        }
        if (typeof sent.name !== 'string' || sent.name === '') {
          throw new ApiError(
            400,
            "Missing required parameter: 'text.format.name'.",
            'missing_required_parameter',
            'text.format.name',
          );
        }
        if (!/^[a-zA-Z0-9_-]{1,64}$/.test(sent.name)) {
          throw new ApiError(
            400,
            `Invalid 'text.format.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.`,
            'invalid_value',
            'text.format.name',
          );
        }
        if (!isObject(sent.schema)) {
          throw new ApiError(
            400,
            "Missing required parameter: 'text.format.schema'.",
            'missing_required_parameter',
            'text.format.schema',
          );
        }
        // CallSense always asks for strict outputs: anything else is a regression worth failing loudly.
        if (sent.strict !== true) {
          throw new ApiError(
            400,
            `Invalid value for 'text.format.strict': expected true, got ${JSON.stringify(sent.strict ?? null)}.`,
            'invalid_value',
            'text.format.strict',
          );
        }
        const problem = strictSchemaProblem(sent.schema);
        if (problem) {
          throw new ApiError(
            400,
            `Invalid schema for response_format '${sent.name}': ${problem}`,
            'invalid_json_schema',
            'text.format.schema',
          );
        }
        format = sent;
      }
    }

    let effort: string | null = null;
    if (body.reasoning != null) {
      const sent = isObject(body.reasoning) ? body.reasoning.effort : body.reasoning;
      if (sent != null && (typeof sent !== 'string' || !REASONING_EFFORTS.includes(sent))) {
        throw new ApiError(
          400,
          `Invalid value: ${JSON.stringify(sent)}. Supported values are: ${REASONING_EFFORTS.map((e) => `'${e}'`).join(', ')}.`,
          'invalid_value',
          'reasoning.effort',
        );
      }
      effort = (sent as string | null | undefined) ?? null;
    }

    let tier: 'flex' | 'default' = 'default';
    if (body.service_tier != null) {
      if (typeof body.service_tier !== 'string' || !SERVICE_TIERS.includes(body.service_tier)) {
        throw new ApiError(
          400,
          `Invalid value: ${JSON.stringify(body.service_tier)}. Supported values are: ${SERVICE_TIERS.map((s) => `'${s}'`).join(', ')}.`,
          'invalid_value',
          'service_tier',
        );
      }
      if (body.service_tier === 'flex') {
        if (model.flex === false) {
          throw new ApiError(
            400,
            `Flex processing is not available for model '${body.model}'.`,
            'invalid_value',
            'service_tier',
          );
        }
        tier = 'flex';
      }
    }
    return { model: body.model, format, effort, tier };
  };

  const handleResponses = async (body: Record<string, unknown>, res: ServerResponse) => {
    const metadata = isObject(body.metadata) ? body.metadata : {};
    const promptRef = typeof metadata.callsense_prompt === 'string' ? metadata.callsense_prompt : undefined;
    const promptKey = promptRef?.split('@')[0];
    const recorded: RecordedRequest = {
      promptKey,
      promptRef,
      model: typeof body.model === 'string' ? body.model : undefined,
      instructions: typeof body.instructions === 'string' ? body.instructions : undefined,
      input: body.input,
      serviceTier: typeof body.service_tier === 'string' ? body.service_tier : undefined,
      body,
      at: Date.now(),
    };
    requests.push(recorded);
    for (const key of new Set(['', promptKey, promptRef])) {
      if (key === undefined) continue;
      const now = (open.get(key) ?? 0) + 1;
      open.set(key, now);
      peak.set(key, Math.max(peak.get(key) ?? 0, now));
      res.once('close', () => open.set(key, (open.get(key) ?? 1) - 1));
    }

    const script =
      (promptRef !== undefined ? prompts.get(promptRef) : undefined) ??
      (promptKey !== undefined ? prompts.get(promptKey) : undefined) ??
      defaultScript;

    // An outage or a queued failure answers before any validation, as a gateway in front of the API would.
    if (outage) {
      const behavior = outage;
      if (await wait(res, behavior.delayMs ?? script.delayMs ?? 0)) sendBehavior(res, behavior);
      return;
    }
    const queue = queueFor(promptRef, promptKey);
    if (queue?.[0] && 'status' in queue[0]) {
      const behavior = queue.shift() as StatusBehavior;
      if (await wait(res, behavior.delayMs ?? script.delayMs ?? 0)) sendBehavior(res, behavior);
      return;
    }

    // Validation errors answer at once and leave queued answers for the next valid request.
    if ('prompt' in body) return sendError(res, new ApiError(404, RETIRED_PROMPT_MESSAGE, 'not_found', 'prompt'));
    let validated: Validated;
    try {
      validated = validate(body);
    } catch (error) {
      if (error instanceof ApiError) return sendError(res, error);
      throw error;
    }

    const queued = queueFor(promptRef, promptKey)?.shift();
    if (!(await wait(res, queued?.delayMs ?? script.delayMs ?? 0))) return;

    const input = inputText(body.input);
    const instructions = typeof body.instructions === 'string' ? body.instructions : '';
    const schema = validated.format?.schema as Schema | undefined;
    const outputText =
      queued && 'output' in queued
        ? queued.output
        : script.respond
          ? script.respond(input, body)
          : schema
            ? JSON.stringify(exampleOutput(schema, input))
            : defaultRespond(input);
    const inputTokens = Math.ceil((instructions.length + input.length) / 4);
    const outputTokens = Math.ceil(outputText.length / 4);
    recorded.usage = { inputTokens, outputTokens };
    send(res, 200, {
      id: `resp_${randomUUID().replaceAll('-', '')}`,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: typeof body.instructions === 'string' ? body.instructions : null,
      max_output_tokens: body.max_output_tokens ?? null,
      model: script.model ?? validated.model,
      output: [
        {
          id: `msg_${randomUUID().replaceAll('-', '')}`,
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: outputText, annotations: [], logprobs: [] }],
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      prompt: null,
      reasoning: { effort: validated.effort, summary: null },
      service_tier: validated.tier,
      store: body.store ?? true,
      temperature: body.temperature ?? 1,
      text: { format: validated.format ?? { type: 'text' }, verbosity: 'medium' },
      tool_choice: 'auto',
      tools: [],
      top_p: body.top_p ?? 1,
      truncation: 'disabled',
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
      user: null,
      metadata,
    });
  };

  const modelBody = (id: string, model: ModelOptions) => ({
    id,
    object: 'model',
    created: MODEL_CREATED,
    owned_by: 'openai',
    ...(model.shutdownDate ? { shutdown_date: model.shutdownDate } : {}),
  });

  const handleModels = async (id: string | undefined, res: ServerResponse) => {
    if (id !== undefined) modelRequests.push(id);
    if (modelsOutage) {
      const behavior = modelsOutage;
      if (await wait(res, behavior.delayMs ?? 0)) sendBehavior(res, behavior);
      return;
    }
    if (id === undefined) {
      return send(res, 200, { object: 'list', data: [...models].map(([modelId, model]) => modelBody(modelId, model)) });
    }
    const model = models.get(id);
    if (!model) return sendError(res, modelNotFound(id));
    send(res, 200, modelBody(id, model));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.once('close', () => {
      if (!res.writableFinished) gone.add(res);
    });
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '');
    const invalidUrl = new ApiError(404, `Invalid URL (${req.method} ${req.url})`, null);
    if (req.method === 'GET' && path === '/v1/models') return handleModels(undefined, res);
    if (req.method === 'GET' && path.startsWith('/v1/models/')) {
      return handleModels(decodeURIComponent(path.slice('/v1/models/'.length)), res);
    }
    if (req.method !== 'POST' || path !== '/v1/responses') return sendError(res, invalidUrl);

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    if (!isObject(body)) {
      requests.push({
        promptKey: undefined,
        promptRef: undefined,
        model: undefined,
        instructions: undefined,
        input: undefined,
        serviceTier: undefined,
        body: {},
        at: Date.now(),
      });
      return sendError(res, new ApiError(400, 'We could not parse the JSON body of your request.', null));
    }
    return handleResponses(body, res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) =>
      send(res, 500, new ApiError(500, String(error), null, null, 'server_error').body()),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    modelRequests,
    definePrompt: (key, script = {}) => void prompts.set(key, script),
    removePrompt: (key) => void prompts.delete(key),
    setDefaultScript: (script) => {
      defaultScript = script ?? {};
    },
    enqueue: (key, ...behaviors) => void queues.set(key, [...(queues.get(key) ?? []), ...behaviors]),
    setOutage: (behavior) => {
      outage = behavior;
    },
    setModelsOutage: (behavior) => {
      modelsOutage = behavior;
    },
    defineModel: (id, model = {}) => void models.set(id, model),
    removeModel: (id) => void models.delete(id),
    maxConcurrent: (key) => peak.get(key ?? '') ?? 0,
    count: (key) =>
      key === undefined ? requests.length : requests.filter((r) => r.promptKey === key || r.promptRef === key).length,
    reset: () => {
      requests.length = 0;
      modelRequests.length = 0;
      queues.clear();
      peak.clear();
      for (const [key, now] of open) if (now > 0) peak.set(key, now);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
