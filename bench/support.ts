// Setup for the hand-run benchmarks, like test/run.ts but for one process: a Temporal dev server on a free
// port (or TEMPORAL_ADDRESS), a scratch database on TEST_DATABASE_URL's server (migrated, dropped at the
// end), the local OpenAI server, and the API (plus, when asked, a worker) in-process. Loopback only.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, type Config } from '../src/config.js';
import { createOrm, type Orm } from '../src/db/orm.js';
import { migrateUp } from '../src/db/migrate.js';
import type { App } from '../src/api/app.js';
import type { AppDeps } from '../src/api/deps.js';
import { createApi } from '../src/api/server.js';
import type { TemporalHandle } from '../src/temporal/client.js';
import { startWorker } from '../src/worker/run.js';
import { BUILT_IN_PROMPT_IDS } from '../src/domain/prompts/built-in-prompts.js';
import { resolveTemporalCli } from '../src/platform/temporal-cli.js';
import { startTemporalDevServer } from '../src/platform/temporal-dev-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../test/support/fake-openai.js';
import { freePort } from '../test/support/free-port.js';
import { dropDatabase, withServer } from '../test/support/databases.js';

// Quiet: the bench prints its figures; the SDK's own chatter (and core's notes on terminated runs) would bury them.
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'WARN' } } },
});

/** The built-in prompts every tenant of a benchmark runs (their requests carry these ids in metadata). */
export const SYSTEM_INDIVIDUAL_PROMPT = BUILT_IN_PROMPT_IDS.individual;
export const SYSTEM_COMPLETE_PROMPT = BUILT_IN_PROMPT_IDS.complete;

export interface BenchStack {
  config: Config;
  orm: Orm;
  app: App;
  fake: FakeOpenAI;
  temporal: TemporalHandle;
  temporalAddress: string;
  close(): Promise<void>;
}

const cleanups: (() => Promise<unknown>)[] = [];
async function cleanup() {
  for (const c of cleanups.reverse()) await c().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
  cleanups.length = 0;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().then(() => process.exit(130)));

export interface BenchStackOptions {
  worker: boolean;
  /** Adds bench-only routes (baselines) before the app is ready. */
  extraRoutes?: (app: App) => void;
  /** Overrides of the overload thresholds: a machine busy with other work must not turn the setup away. */
  pressure?: AppDeps['pressure'];
  /** Extra environment for the configuration (e.g. EVENTS_ALLOW_PRIVATE_URLS for a local receiver). */
  env?: Record<string, string>;
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  try {
    const scratch = await mkdtemp(join(tmpdir(), 'callsense-bench-'));
    cleanups.push(() => rm(scratch, { recursive: true, force: true }));

    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const server = await startTemporalDevServer({
        cli: await resolveTemporalCli(),
        port: await freePort(),
        namespace: 'default',
        logFile: join(scratch, 'temporal.log'),
      });
      cleanups.push(() => server.stop());
      temporalAddress = server.address;
    }

    const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const database = `callsense_bench_${Date.now().toString(36)}_${process.pid}`;
    await withServer(serverUrl, (c) => c.query(`create database "${database}"`));
    cleanups.push(() => withServer(serverUrl, (c) => dropDatabase(c, database)));
    const databaseUrl = new URL(`/${database}`, serverUrl).toString();

    const fake = await startFakeOpenAI();
    cleanups.push(() => fake.close());
    fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT);
    fake.definePrompt(SYSTEM_COMPLETE_PROMPT);

    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
        JWT_SECRET: randomUUID(),
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_TIMEOUT_MS: '30000',
        LOG_LEVEL: 'warn',
        // A benchmark's one tenant sends far more than a provider would: measure the code, not the limit.
        WEBHOOK_RATE_LIMIT_PER_MINUTE: '10000000',
        // Nor the daily OpenAI budget: 10,000 calls of one tenant spend the default 2,000,000 tokens by 2,400
        // calls, after which the rest would wait in `queued` for the next UTC day.
        OPENAI_TOKEN_BUDGET_PER_DAY: '0',
        ...options.env,
      },
      { dotenv: false },
    );
    const orm = await createOrm(databaseUrl, { pool: { min: 0, max: 20 } });
    cleanups.push(() => orm.close());
    await migrateUp(orm);
    // Benchmarks make many tenants from one address: the signup and login limits would stop them, not the code.
    const limits = {
      signupRateLimit: 100_000,
      loginRateLimit: 100_000,
      loginAddressRateLimit: 100_000,
      ...(options.pressure ? { pressure: options.pressure } : {}),
    };
    const api = await createApi(
      config,
      { databaseUrl, temporalAddress },
      {
        orm,
        logger: false,
        limits,
        ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
      },
    );
    cleanups.push(() => api.close());
    const { app, temporal } = api;
    if (options.worker) {
      const worker = await startWorker(config, { databaseUrl, temporalAddress }, { orm, ensureSchedule: false });
      cleanups.push(() => worker.stop());
    }
    return { config, orm, app, fake, temporal, temporalAddress, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The p-th percentile (0–100) of sorted-or-not samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Runs `task` for `count` items with at most `concurrency` at a time. */
export async function inParallel(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits);

/**
 * `--rounds N` (default 5): how many interleaved rounds a benchmark runs. Parsed here only, so every
 * benchmark takes the flag the same way (`npm run bench:webhooks -- --rounds 3`).
 */
export function benchRounds(argv: readonly string[] = process.argv.slice(2), fallback = 5): number {
  const at = argv.findIndex((arg) => arg === '--rounds' || arg.startsWith('--rounds='));
  if (at < 0) return fallback;
  const text = argv[at]!.includes('=') ? argv[at]!.slice('--rounds='.length) : argv[at + 1];
  const rounds = Number(text);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds wants a whole number ≥ 1, got ${text}`);
  return rounds;
}

/** What a round of one side measured: its rate (higher is better) and, where it has one, its median latency. */
export interface RoundSample {
  rate: number;
  p50?: number;
}

/** Median and range of one ratio over the rounds. */
export interface RatioSummary {
  median: number;
  min: number;
  max: number;
  values: number[];
}

/** The median: the middle value, or the mean of the two middle ones (two rounds: their mean). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export function summarize(values: number[]): RatioSummary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values };
}

/** `0.85× (0.80–0.90×, 5 rounds)` */
export const formatRatio = (r: RatioSummary, digits = 2) =>
  `${fixed(r.median, digits)}× (${fixed(r.min, digits)}–${fixed(r.max, digits)}×, ${r.values.length} round${r.values.length === 1 ? '' : 's'})`;

export interface Interleaved<S extends string> {
  baseline: RoundSample[];
  subjects: Record<S, RoundSample[]>;
  /** subject rate / baseline rate of the same round. */
  ratios: Record<S, RatioSummary>;
  /** subject p50 / baseline p50 of the same round, where both have one. */
  p50Ratios: Partial<Record<S, RatioSummary>>;
}

/**
 * Runs the baseline and each subject in turn (A, B, A, B…) for `rounds` short rounds, and compares each subject
 * with the baseline of its own round: a machine whose load changes during the run moves both sides of a ratio
 * together, and the median of the rounds, with its range, shows how much the figure still moves.
 */
export async function interleave<S extends string>(options: {
  rounds: number;
  baseline: (round: number) => Promise<RoundSample>;
  subjects: Record<S, (round: number) => Promise<RoundSample>>;
  /** Called after each round, e.g. to print progress. */
  onRound?: (round: number) => void;
}): Promise<Interleaved<S>> {
  const names = Object.keys(options.subjects) as S[];
  const baseline: RoundSample[] = [];
  const subjects = Object.fromEntries(names.map((name) => [name, [] as RoundSample[]])) as Record<S, RoundSample[]>;
  for (let round = 0; round < options.rounds; round++) {
    baseline.push(await options.baseline(round));
    for (const name of names) subjects[name].push(await options.subjects[name](round));
    options.onRound?.(round);
  }
  const ratios = {} as Record<S, RatioSummary>;
  const p50Ratios: Partial<Record<S, RatioSummary>> = {};
  for (const name of names) {
    ratios[name] = summarize(subjects[name].map((s, i) => s.rate / baseline[i]!.rate));
    const p50s = subjects[name].flatMap((s, i) => {
      const base = baseline[i]!.p50;
      // A median under the timer's resolution (0 ms) has no ratio.
      return s.p50 && base ? [s.p50 / base] : [];
    });
    if (p50s.length) p50Ratios[name] = summarize(p50s);
  }
  return { baseline, subjects, ratios, p50Ratios };
}

/** The machine the figures come from: cores and load average (1, 5, 15 min) now, to print with the results. */
export function machineLine(): string {
  const load = loadavg()
    .map((v) => fixed(v, 2))
    .join(', ');
  return `machine: ${cpus().length} cores, load average ${load} (1, 5, 15 min)`;
}
