// The project's Prometheus metrics. Two registries, one per role, so that when API and worker share a
// process (`npm start`) each endpoint exports its own series and nothing is counted twice.
// Labels are bounded sets (routes, statuses, outcomes): never ids of tenants, users, leads or calls.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type PromptSource = 'user' | 'organization' | 'system';
export type AnalysisKind = 'individual' | 'complete';
export type WebhookResult = 'accepted' | 'duplicate' | 'ignored' | 'rejected';

/** Counter and histogram constructors that register what they make into `registry`. */
function metricsIn(registry: Registry) {
  return {
    counter: <L extends string>(name: string, labelNames: readonly L[], help: string) =>
      new Counter<L>({ name, help, labelNames, registers: [registry] }),
    histogram: <L extends string>(name: string, labelNames: readonly L[], buckets: number[], help: string) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] }),
  };
}

/** How long a database-backed gauge's reading is reused: scrapes (several Prometheus servers, retries) stay cheap. */
export const DATABASE_GAUGE_MIN_INTERVAL_MS = 15_000;

/**
 * `read`, called at most once per `intervalMs`: later callers inside the interval get the last reading, concurrent
 * callers share one read, and a failed read is not kept (the next scrape tries again).
 */
function atMostEvery<T>(intervalMs: number, read: () => Promise<T>, now: () => number): () => Promise<T> {
  let last: { value: Promise<T>; at: number } | undefined;
  return () => {
    if (last && now() - last.at < intervalMs) return last.value;
    const entry = { value: read(), at: now() };
    last = entry;
    entry.value.catch(() => {
      if (last === entry) last = undefined;
    });
    return entry.value;
  };
}

/**
 * The API's metrics: HTTP requests, webhook deliveries, calls by status (read from the database at most every
 * DATABASE_GAUGE_MIN_INTERVAL_MS, not on every scrape).
 */
export function createApiMetrics(
  options: { countCallsByStatus?: () => Promise<Record<string, number>>; now?: () => number } = {},
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { counter, histogram } = metricsIn(registry);
  const httpDuration = histogram(
    'callsense_http_request_duration_seconds',
    ['method', 'route', 'status_code'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    'HTTP requests by route pattern, method and status code',
  );
  const webhooks = counter(
    'callsense_webhooks_total',
    ['provider', 'result', 'reason'],
    'Webhook deliveries by provider and result; `reason` says why a delivery was rejected',
  );
  const countCalls =
    options.countCallsByStatus &&
    atMostEvery(DATABASE_GAUGE_MIN_INTERVAL_MS, options.countCallsByStatus, options.now ?? Date.now);
  new Gauge({
    name: 'callsense_calls',
    help: 'Stored calls by analysis status, all organizations',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      if (!countCalls) return;
      this.reset();
      for (const [status, count] of Object.entries(await countCalls())) this.set({ status }, count);
    },
  });
  return {
    registry,
    recordHttpRequest(method: string, route: string, statusCode: number, seconds: number) {
      httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
    recordWebhook(provider: string, result: WebhookResult, reason = '') {
      webhooks.inc({ provider, result, reason });
    },
  };
}

/** What one OpenAI request ended as (the gateway reports every request it makes). */
export interface OpenAIRequestObservation {
  /** `success`, or the failure's kind (`model_not_found`, `rate_limited`, `unavailable`, …). */
  outcome: string;
  /** The HTTP status, or `none` when no answer came (timeout, lost connection). */
  status: string;
  seconds: number;
  usage?: { inputTokens: number; outputTokens: number } | null | undefined;
}

/** The worker's metrics: the pipeline's outcomes (the Temporal SDK's own metrics are added when served). */
export function createWorkerMetrics() {
  const registry = new Registry();
  const { counter, histogram } = metricsIn(registry);
  const analyses = counter(
    'callsense_call_analyses_total',
    ['outcome', 'prompt_source'],
    'Finished call analyses by outcome (analyzed, failed) and the source of the prompt that produced them',
  );
  const openaiRequests = counter(
    'callsense_openai_requests_total',
    ['outcome', 'status'],
    'OpenAI requests by outcome and HTTP status',
  );
  const openaiDuration = histogram(
    'callsense_openai_request_duration_seconds',
    ['outcome'],
    [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
    'OpenAI request latency by outcome',
  );
  const tokens = counter(
    'callsense_openai_tokens_total',
    ['direction'],
    'Tokens reported by OpenAI responses, by direction (input, output)',
  );
  const fallbacks = counter(
    'callsense_prompt_fallbacks_total',
    ['kind', 'reason'],
    'Analyses answered by a later prompt of the resolution line, by kind and reason (definite, transient)',
  );
  const budgetWaits = counter(
    'callsense_openai_budget_waits_total',
    ['kind'],
    "OpenAI work held back because the organization's daily token budget was spent, by kind",
  );
  const flaggedVersions = new Gauge({
    name: 'callsense_prompt_versions_flagged',
    help: 'Prompt versions in use whose model is gone or shuts down within OPENAI_MODEL_WARNING_DAYS (daily check)',
    registers: [registry],
  });
  const checkedVersions = new Gauge({
    name: 'callsense_prompt_versions_checked',
    help: 'Prompt versions in use that the daily prompt-health check looked at',
    registers: [registry],
  });
  const folds = counter(
    'callsense_lead_folds_total',
    ['outcome'],
    'Complete-analysis folds by outcome (folded, failed)',
  );
  const foldDuration = histogram(
    'callsense_lead_fold_duration_seconds',
    ['outcome'],
    [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    "Time to fold new call analyses into a lead's complete analysis (retries and fallbacks included)",
  );
  const eventDeliveries = counter(
    'callsense_event_deliveries_total',
    ['outcome', 'type'],
    'Outbound event delivery attempts by outcome (delivered, retrying, failed) and event type',
  );
  const eventAttemptDuration = histogram(
    'callsense_event_delivery_attempt_duration_seconds',
    ['outcome'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    'Time of one outbound event delivery attempt (URL check, connection and answer)',
  );
  const eventLatency = histogram(
    'callsense_event_delivery_latency_seconds',
    ['type'],
    [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000, 86400],
    'Time from the recorded fact to its delivery, retries included',
  );
  return {
    registry,
    recordAnalysis(outcome: 'analyzed' | 'failed', promptSource: PromptSource | 'none') {
      analyses.inc({ outcome, prompt_source: promptSource });
    },
    recordOpenAIRequest({ outcome, status, seconds, usage }: OpenAIRequestObservation) {
      openaiRequests.inc({ outcome, status });
      openaiDuration.observe({ outcome }, seconds);
      if (usage) this.recordTokens(usage.inputTokens, usage.outputTokens);
    },
    recordTokens(input: number, output: number) {
      tokens.inc({ direction: 'input' }, input);
      tokens.inc({ direction: 'output' }, output);
    },
    recordFallback(kind: AnalysisKind, reason: string) {
      fallbacks.inc({ kind, reason });
    },
    recordBudgetWait(kind: 'individual' | 'complete' | 'experiment') {
      budgetWaits.inc({ kind });
    },
    recordPromptHealth(checked: number, flagged: number) {
      checkedVersions.set(checked);
      flaggedVersions.set(flagged);
    },
    recordFold(outcome: 'folded' | 'failed', seconds: number) {
      folds.inc({ outcome });
      foldDuration.observe({ outcome }, seconds);
    },
    recordEventDelivery(outcome: 'delivered' | 'retrying' | 'failed', type: string, seconds: number, latency?: number) {
      eventDeliveries.inc({ outcome, type });
      eventAttemptDuration.observe({ outcome }, seconds);
      if (latency !== undefined) eventLatency.observe({ type }, latency);
    },
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
