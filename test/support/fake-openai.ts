// A local OpenAI-compatible server for tests and benchmarks: POST /v1/responses with `prompt.id` and `input`,
// answering like the real Responses API (body shape, 404 for an unknown prompt, 429 with Retry-After, 5xx,
// slow answers). Scriptable per prompt id; counts and records every request. Listens on 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

interface RecordedRequest {
  promptId: string | undefined;
  input: unknown;
  body: Record<string, unknown>;
  at: number;
  /** The usage reported in a successful answer. */
  usage?: { inputTokens: number; outputTokens: number };
}

/** One scripted answer, consumed by one request (queued per prompt id). */
type Behavior =
  | { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number }
  | { output: string; delayMs?: number }
  | { delayMs: number };

export interface PromptScript {
  model?: string;
  temperature?: number | null;
  version?: string;
  /** Produces `output_text` from the request's input (default: a small JSON analysis). */
  respond?: (input: string, body: Record<string, unknown>) => string;
  /** Delay every answer by this much (slow model). */
  delayMs?: number;
}

export interface FakeOpenAI {
  baseURL: string;
  requests: RecordedRequest[];
  definePrompt(id: string, script?: PromptScript): void;
  removePrompt(id: string): void;
  enqueue(id: string, ...behaviors: Behavior[]): void;
  /** While set, every request (any prompt) gets this answer: an outage. `null` ends it. */
  setOutage(behavior: { status: number; headers?: Record<string, string> } | null): void;
  count(promptId?: string): number;
  /** The most requests for this prompt id that were open at the same time. */
  maxConcurrent(promptId: string): number;
  reset(): void;
  close(): Promise<void>;
}

export function defaultRespond(input: string): string {
  const text = String(input);
  return JSON.stringify({
    summary: text.slice(0, 80),
    sentiment: /great|love|interested|yes/i.test(text)
      ? 'positive'
      : /no|not interested|expensive/i.test(text)
        ? 'negative'
        : 'neutral',
    interestLevel: Math.min(10, Math.round(text.length / 20)),
    words: text.split(/\s+/).filter(Boolean).length,
  });
}

export async function startFakeOpenAI(options: { port?: number } = {}): Promise<FakeOpenAI> {
  const prompts = new Map<string, PromptScript>();
  const queues = new Map<string, Behavior[]>();
  const requests: RecordedRequest[] = [];
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  let outage: Behavior | null = null;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-request-id': `req_${randomUUID().replaceAll('-', '')}`,
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const apiError = (message: string, type: string, code: string | null = null) => ({
    error: { message, type, param: null, code },
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !req.url?.replace(/\?.*$/, '').endsWith('/responses')) {
      return send(res, 404, apiError(`Invalid URL (${req.method} ${req.url})`, 'invalid_request_error'));
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, apiError('We could not parse the JSON body of your request.', 'invalid_request_error'));
    }
    const promptId = (body.prompt as { id?: string } | undefined)?.id;
    const recorded: RecordedRequest = { promptId, input: body.input, body, at: Date.now() };
    requests.push(recorded);
    if (promptId) {
      const now = (open.get(promptId) ?? 0) + 1;
      open.set(promptId, now);
      peak.set(promptId, Math.max(peak.get(promptId) ?? 0, now));
      res.once('close', () => open.set(promptId, (open.get(promptId) ?? 1) - 1));
    }

    const queued = outage ?? (promptId ? queues.get(promptId)?.shift() : undefined);
    const script = promptId ? prompts.get(promptId) : undefined;
    const delay = (queued && 'delayMs' in queued ? queued.delayMs : undefined) ?? script?.delayMs ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (res.destroyed) return;

    if (queued && 'status' in queued) {
      return send(
        res,
        queued.status,
        queued.body ??
          apiError(
            queued.status === 429
              ? 'Rate limit reached for requests'
              : 'The server had an error while processing your request. Sorry about that!',
            queued.status === 429 ? 'requests' : 'server_error',
          ),
        queued.headers,
      );
    }
    if (!promptId)
      return send(res, 400, apiError("Missing required parameter: 'prompt' or 'model'.", 'invalid_request_error'));
    if (!script) return send(res, 404, apiError(`Prompt with id '${promptId}' not found.`, 'invalid_request_error'));

    const input = typeof body.input === 'string' ? body.input : JSON.stringify(body.input ?? '');
    const outputText = queued && 'output' in queued ? queued.output : (script.respond ?? defaultRespond)(input, body);
    const inputTokens = Math.ceil(input.length / 4);
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
      instructions: null,
      max_output_tokens: body.max_output_tokens ?? null,
      model: script.model ?? 'gpt-4.1-mini-2025-04-14',
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
      prompt: { id: promptId, variables: null, version: script.version ?? '1' },
      reasoning: { effort: null, summary: null },
      store: body.store ?? true,
      temperature: script.temperature === undefined ? 1 : script.temperature,
      text: { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
      truncation: 'disabled',
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
      user: null,
      metadata: {},
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, apiError(String(error), 'server_error')));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    definePrompt: (id, script = {}) => void prompts.set(id, script),
    removePrompt: (id) => void prompts.delete(id),
    enqueue: (id, ...behaviors) => void queues.set(id, [...(queues.get(id) ?? []), ...behaviors]),
    setOutage: (behavior) => {
      outage = behavior;
    },
    maxConcurrent: (promptId) => peak.get(promptId) ?? 0,
    count: (promptId) =>
      promptId === undefined ? requests.length : requests.filter((r) => r.promptId === promptId).length,
    reset: () => {
      requests.length = 0;
      queues.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
