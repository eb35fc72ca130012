// Per-test-file stack on the run's real services (see test/run.ts): a database cloned from the migrated
// template, the local OpenAI-compatible server, the API built in-process, and a worker on a task queue of
// this file's own (so parallel test files never take each other's tasks).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import { setTemporalRuntimeLogger } from '../../src/observability/temporal-runtime.js';
import { createLogger } from '../../src/observability/logger.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createOrm, type Orm } from '../../src/db/orm.js';
import type { App } from '../../src/api/app.js';
import { createApi } from '../../src/api/server.js';
import type { TemporalHandle } from '../../src/temporal/client.js';
import { startWorker, type RunningWorker } from '../../src/worker/run.js';
import { cloneTemplateDatabase } from './databases.js';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.js';

// Worker lifecycle chatter drowns test output; warnings and errors still show.
// (JSON on stderr: stdout is tap's.)
setTemporalRuntimeLogger(createLogger('warn', { fd: 2 }));

/** The built-in prompts every resolution line ends with (their requests carry these ids in metadata). */
export const SYSTEM_INDIVIDUAL_PROMPT = 'prm_systemindividual';
export const SYSTEM_COMPLETE_PROMPT = 'prm_systemcomplete';
/** OPENAI_DEFAULT_MODEL's default: the built-ins' model. */
export const DEFAULT_MODEL = 'gpt-6-luna';

export interface Stack {
  config: Config;
  env: Record<string, string>;
  orm: Orm;
  app: App;
  fake: FakeOpenAI;
  temporal: TemporalHandle;
  databaseUrl: string;
  temporalAddress: string;
  worker: RunningWorker | undefined;
  startWorker(): Promise<RunningWorker>;
  stopWorker(): Promise<void>;
}

export interface StackOptions {
  /** Start an in-process worker (default true). */
  worker?: boolean;
  /** Extra or overriding environment variables. */
  env?: Record<string, string | undefined>;
  /** Login attempts per account per minute; unlimited in practice unless a test sets it. */
  loginRateLimit?: number;
  /** Login attempts per client address per minute (same default). */
  loginAddressRateLimit?: number;
  /** Signups per client address per minute (same default). */
  signupRateLimit?: number;
  /** Use this Temporal server instead of the run's (durability tests restart their own). */
  temporalAddress?: string;
  /** Use this (already migrated) database instead of a clone of the run's template. */
  databaseUrl?: string;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` (test/run.ts sets up the services)`);
  return value;
}

let databaseCounter = 0;

export async function startStack(t: Test, options: StackOptions = {}): Promise<Stack> {
  const serverUrl = requiredEnv('CALLSENSE_TEST_DB_SERVER_URL');
  const template = requiredEnv('CALLSENSE_TEST_DB_TEMPLATE');
  const runId = requiredEnv('CALLSENSE_TEST_RUN_ID');
  const temporalAddress = options.temporalAddress ?? requiredEnv('CALLSENSE_TEST_TEMPORAL_ADDRESS');

  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => undefined }
    : await cloneTemplateDatabase(serverUrl, template, `callsense_test_${runId}_${process.pid}_${++databaseCounter}`);
  const fake = await startFakeOpenAI();

  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    OPENAI_API_KEY: 'sk-test-key',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'silent',
    // Every test file runs its own worker side by side: each serves /metrics on a free port.
    WORKER_METRICS_PORT: '0',
    // The schedule is one per namespace; only the test about it turns this on.
    SCORING_SCHEDULE_ENABLED: 'false',
    // Abuse limits stay out of the way of ordinary tests; the tests about them set their own.
    OPENAI_RATE_LIMIT_PER_MINUTE: '100000',
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const config = loadConfig(env, { dotenv: false });
  const orm = await createOrm(database.url, { pool: { min: 0, max: 8 } });
  const api = await createApi(
    config,
    { databaseUrl: database.url, temporalAddress },
    {
      orm,
      logger: false,
      // Tests sign up and log in far more often than people do: the abuse limits apply only where a test asks.
      limits: {
        loginRateLimit: options.loginRateLimit ?? 100_000,
        loginAddressRateLimit: options.loginAddressRateLimit ?? 100_000,
        signupRateLimit: options.signupRateLimit ?? 100_000,
        // A machine loaded by other processes stalls the loop for seconds at a time; the tests check answers, so
        // shedding load there would only turn them away. The overload answer has a test of its own.
        pressure: { maxEventLoopDelay: 0 },
      },
    },
  );
  const { app, temporal } = api;

  const stack: Stack = {
    config,
    env,
    orm,
    app,
    fake,
    temporal,
    databaseUrl: database.url,
    temporalAddress,
    worker: undefined,
    async startWorker() {
      if (stack.worker) return stack.worker;
      stack.worker = await startWorker(config, { databaseUrl: database.url, temporalAddress }, { orm });
      return stack.worker;
    },
    async stopWorker() {
      const worker = stack.worker;
      stack.worker = undefined;
      await worker?.stop();
    },
  };
  if (options.worker !== false) await stack.startWorker();

  t.teardown(async () => {
    await stack.stopWorker();
    await api.close();
    await orm.close();
    await fake.close();
    await database.drop();
  });
  return stack;
}

/** Polls `check` until it returns a truthy value (then returns it) or the time is up (then throws). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for ${options.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}
