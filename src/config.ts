// The one place where the environment is read. Everything else receives a Config.
import { BUILT_IN_PRICES, type PriceTable } from './domain/experiments/prices.js';
import { existsSync, readFileSync } from 'node:fs';
import { hkdfSync } from 'node:crypto';
import { isIP } from 'node:net';
import { parseEnv } from 'node:util';
import { envSchema } from 'env-schema';
import { Type, type Static } from 'typebox';

const DEV_JWT_SECRET = 'callsense-development-secret-change-me';
const DEVELOPMENT_ENVS = new Set(['development', 'test']);
/** HS256 keys shorter than the hash output (32 bytes) are guessable offline from any token. */
const MIN_JWT_SECRET_BYTES = 32;
/** A stolen token must not stay good for days: logout and password changes revoke, but only where checked. */
const MAX_JWT_LIFETIME_MS = 24 * 60 * 60 * 1000;
/**
 * The sealing key of development and test processes when CALLSENSE_ENCRYPTION_KEY is unset. Public (it is in this
 * file), so production refuses to start without a key of its own.
 */
const DEV_ENCRYPTION_KEY = Buffer.from('callsense-development-sealing-k!', 'utf8');

const EnvSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_ADDRESS: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_NAMESPACE: Type.String({ default: 'default' }),
  TEMPORAL_TASK_QUEUE: Type.String({ default: 'call-analysis' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  JWT_EXPIRES_IN: Type.String({ default: '1h' }),
  OPENAI_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  OPENAI_BASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  // Retired with OpenAI's stored prompts: read only to warn that they are ignored.
  OPENAI_INDIVIDUAL_PROMPT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OPENAI_COMPLETE_PROMPT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OPENAI_DEFAULT_MODEL: Type.String({ default: 'gpt-6-luna', minLength: 1, maxLength: 128 }),
  OPENAI_MODEL_WARNING_DAYS: Type.Integer({ default: 90, minimum: 0 }),
  OPENAI_PRICES: Type.Optional(Type.String({ minLength: 2 })),
  OPENAI_TOKEN_BUDGET_PER_DAY: Type.Integer({ default: 2_000_000, minimum: 0 }),
  OPENAI_TIMEOUT_MS: Type.Integer({ default: 60000, minimum: 1 }),
  OPENAI_RETRY_WINDOW_SECONDS: Type.Integer({ default: 86400, minimum: 1 }),
  // Beyond the documented settings: the longest pause between two tries of a transiently failing OpenAI request.
  OPENAI_RETRY_MAX_BACKOFF_SECONDS: Type.Number({ default: 300, exclusiveMinimum: 0 }),
  // Beyond the documented settings: OpenAI requests one worker runs at once for one organization.
  OPENAI_MAX_CONCURRENT_PER_ORGANIZATION: Type.Integer({ default: 8, minimum: 1 }),
  TEMPORAL_UI_URL: Type.Optional(Type.String({ minLength: 1 })),
  SCORING_SCHEDULE_CRON: Type.String({ default: '0 3 * * 0' }),
  SCORING_SCHEDULE_TIMEZONE: Type.String({ default: 'UTC' }),
  WEBHOOK_TOLERANCE_SECONDS: Type.Integer({ default: 300, minimum: 1 }),
  SCORING_MIN_LEADS_PER_CLASS: Type.Integer({ default: 20, minimum: 1 }),
  // Beyond the documented settings: a worker pool that must not own the weekly schedule (extra pools, tests) sets
  // false.
  SCORING_SCHEDULE_ENABLED: Type.Boolean({ default: true }),
  // Unset: `open`, but `closed` when NODE_ENV=production.
  SIGNUP_MODE: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  OPENAI_RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 30, minimum: 1 }),
  WEBHOOK_RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
  WEBHOOK_SECRET_GRACE_SECONDS: Type.Integer({ default: 86400, minimum: 0 }),
  // A hop count or a comma-separated list of proxy addresses/CIDRs; parsed by trustProxy() below.
  TRUST_PROXY: Type.Optional(Type.String()),
  LOG_LEVEL: Type.String({ default: 'info' }),
  PUBLIC_URL: Type.Optional(Type.String({ minLength: 1 })),
  // 32 bytes as base64 (or 64 hex characters); seals stored secrets (AES-256-GCM).
  CALLSENSE_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 1 })),
  // Keys that sealed older values, comma-separated: they open, never seal.
  CALLSENSE_PREVIOUS_ENCRYPTION_KEYS: Type.Optional(Type.String()),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  WORKER_METRICS_PORT: Type.Integer({ default: 9464, minimum: 0, maximum: 65535 }),
  // The worker's memory budget in MB: sizes its workflow cache (src/worker/worker.ts).
  WORKER_MEMORY_MB: Type.Integer({ default: 1024, minimum: 128 }),
  DEMO_DATA: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ minLength: 1 })),
  CORS_ORIGINS: Type.Optional(Type.String()),
  // Beyond the documented settings: where `npm start` keeps its embedded services' data.
  CALLSENSE_DATA_DIR: Type.String({ default: '.data' }),
  EMBEDDED_POSTGRES_PORT: Type.Integer({ default: 5488 }),
  TEMPORAL_UI_PORT: Type.Integer({ default: 8233 }),
  // Beyond the documented settings: the port of `npm start`'s own Temporal dev server.
  EMBEDDED_TEMPORAL_PORT: Type.Integer({ default: 7233, minimum: 1, maximum: 65535 }),
  // Outbound events: lifts the https-only and public-address rules (development and tests; never production).
  EVENTS_ALLOW_PRIVATE_URLS: Type.Boolean({ default: false }),
  // Beyond the documented settings (tests): the delays between delivery attempts, comma-separated milliseconds.
  EVENTS_RETRY_DELAYS_MS: Type.Optional(Type.String({ pattern: '^\\d+(,\\d+)*$' })),
});

type Env = Static<typeof EnvSchema>;

export interface Config {
  nodeEnv: string;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    uiPort: number;
    embeddedPort: number;
    /** Base of `workflowUrl` links (TEMPORAL_UI_URL; `npm start` fills in its embedded UI). */
    uiUrl: string | undefined;
  };
  jwt: { secret: string; expiresIn: string; isDevelopmentSecret: boolean };
  openai: {
    apiKey: string | undefined;
    baseURL: string | undefined;
    /** The model of the built-in prompts (a saved prompt version names its own). */
    defaultModel: string;
    /** A model whose announced shutdown is closer than this is flagged on the versions that use it. */
    modelWarningDays: number;
    /** Input + output tokens an organization may use per UTC day (0: no limit). */
    tokenBudgetPerDay: number;
    /** USD per million tokens by model (OPENAI_PRICES over the built-in prices). */
    prices: PriceTable;
    /** Retired variables that are set (ignored; the process warns once). */
    retiredPromptVariables: string[];
    timeoutMs: number;
    retryWindowSeconds: number;
    retryMaxBackoffSeconds: number;
    maxConcurrentPerOrganization: number;
  };
  scoring: { scheduleCron: string; scheduleTimezone: string; minLeadsPerClass: number; scheduleEnabled: boolean };
  webhookToleranceSeconds: number;
  /** Where clients reach the API (no trailing slash); the base of the webhook URLs shown to admins. */
  publicUrl: string;
  /**
   * Sealing of stored secrets: `key` seals and opens; `previousKeys` only open (older keys, and the key that earlier
   * versions derived from the JWT secret), until `admin reseal` has sealed everything under `key` again.
   */
  encryption: { key: Buffer; previousKeys: Buffer[]; isDevelopmentKey: boolean };
  signupMode: 'open' | 'closed';
  rateLimits: { openaiPerMinute: number; webhookPerMinute: number };
  webhookSecretGraceSeconds: number;
  /**
   * The proxies in front of the API (Fastify's `trustProxy`): false, a hop count, or their addresses/CIDRs. Never
   * `true`, which would take the client's own X-Forwarded-For as its address.
   */
  trustProxy: false | number | string[];
  /** When set, both /metrics endpoints (API and worker) require `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  logLevel: string;
  /** Where the worker serves /metrics (0: a free port, for tests and side-by-side workers). */
  workerMetricsPort: number;
  /** The worker's memory budget (MB), from which its workflow cache is sized. */
  workerMemoryMb: number;
  /** OTLP/HTTP endpoint for traces; tracing is off without it. */
  otlpEndpoint: string | undefined;
  /** Origins allowed to call the API from a browser (CORS); empty: none. */
  corsOrigins: string[];
  dataDir: string;
  /** DEMO_DATA: `off` (false, 0, no) keeps npm start from filling the demo organization into an empty database. */
  demoData: string | undefined;
  embeddedPostgresPort: number;
  /** Outbound events: whether private and plain-http URLs are allowed, and the delays between attempts. */
  events: { allowPrivateUrls: boolean; retryDelaysMs: number[] | undefined };
}

export class ConfigError extends Error {}

/** OPENAI_PRICES: `{ "<model>": { "input": <USD per 1M tokens>, "output": <USD per 1M tokens> } }`. */
function parsePrices(value: string | undefined): PriceTable {
  if (!value) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError('OPENAI_PRICES must be JSON: {"<model>": {"input": <USD per 1M>, "output": <USD per 1M>}}');
  }
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every(
      (price) =>
        price !== null &&
        typeof price === 'object' &&
        Number.isFinite((price as { input?: unknown }).input) &&
        Number.isFinite((price as { output?: unknown }).output),
    );
  if (!valid)
    throw new ConfigError('OPENAI_PRICES: every model needs numeric "input" and "output" prices per 1M tokens');
  return parsed as PriceTable;
}

function readDotenv(path = '.env'): Record<string, string> {
  return existsSync(path) ? (parseEnv(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

function decodeKey(name: string, value: string): Buffer {
  const hex = /^[0-9a-f]{64}$/i.test(value);
  const key = hex ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32 || (!hex && key.toString('base64') !== value)) {
    throw new ConfigError(`${name} must be 32 bytes: 44 base64 characters (openssl rand -base64 32) or 64 hex`);
  }
  return key;
}

/**
 * The sealing keys. CALLSENSE_ENCRYPTION_KEY is required in production; elsewhere a fixed development key stands
 * in (with a warning at start). The key is never derived from the JWT secret any more, but earlier versions did
 * derive it (HKDF-SHA256 of the JWT secret) when the variable was unset: that derived key stays among the keys that
 * open, so values those versions sealed still open after the upgrade; `admin reseal` then seals them under the
 * current key, after which the JWT secret no longer matters to them.
 */
function encryptionKeys(raw: Env, jwtSecret: string): Config['encryption'] {
  const configured = raw.CALLSENSE_ENCRYPTION_KEY;
  if (!configured && raw.NODE_ENV === 'production') {
    throw new ConfigError(
      'CALLSENSE_ENCRYPTION_KEY is required when NODE_ENV=production (it seals webhook secrets and provider ' +
        'credentials at rest); generate one with `openssl rand -base64 32`',
    );
  }
  const key = configured ? decodeKey('CALLSENSE_ENCRYPTION_KEY', configured) : DEV_ENCRYPTION_KEY;
  const previous = (raw.CALLSENSE_PREVIOUS_ENCRYPTION_KEYS ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean)
    .map((value) => decodeKey('CALLSENSE_PREVIOUS_ENCRYPTION_KEYS', value));
  const legacy = Buffer.from(hkdfSync('sha256', jwtSecret, 'callsense', 'callsense sealed secrets v1', 32));
  // The development key opens nothing in production: anyone could have sealed with it.
  const development = raw.NODE_ENV === 'production' ? [] : [DEV_ENCRYPTION_KEY];
  const previousKeys = [...previous, legacy, ...development].filter(
    (candidate, index, all) => !candidate.equals(key) && all.findIndex((other) => other.equals(candidate)) === index,
  );
  return { key, previousKeys, isDevelopmentKey: !configured };
}

/** TRUST_PROXY: off, a hop count, or proxy addresses/CIDRs. `true` is refused: clients would pick their address. */
function trustProxy(value: string | undefined): Config['trustProxy'] {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text.toLowerCase() === 'true') {
    throw new ConfigError(
      'TRUST_PROXY=true is refused: it takes any X-Forwarded-For a client sends as its address. Set the number of ' +
        'proxies in front of the API (e.g. TRUST_PROXY=1) or their addresses (e.g. TRUST_PROXY=10.0.0.0/8,192.168.1.5)',
    );
  }
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !bitsOk || extra !== undefined) {
      throw new ConfigError(
        `TRUST_PROXY: "${entry}" is neither a hop count nor an IP address or CIDR (e.g. 1, or 10.0.0.0/8,::1)`,
      );
    }
  }
  return entries;
}

/** The same grammar as the JWT library's (`30m`, `12h`, `1 day`; a bare number is milliseconds). */
function durationMs(text: string): number | undefined {
  const match =
    /^(-?(?:\d+)?\.?\d+) *(m(?:illiseconds?|s(?:ecs?)?))?(s(?:ec(?:onds?|s)?)?)?(m(?:in(?:utes?|s)?)?)?(h(?:ours?|rs?)?)?(d(?:ays?)?)?(w(?:eeks?|ks?)?)?(y(?:ears?|rs?)?)?$/.exec(
      text.toLowerCase(),
    );
  const amount = match ? Number.parseFloat(match[1]!) : Number.NaN;
  if (!match || !amount) return undefined;
  const units = [1000, 60_000, 3_600_000, 86_400_000, 7 * 86_400_000, 365.25 * 86_400_000];
  const unit = [3, 4, 5, 6, 7, 8].findIndex((group) => match[group] !== undefined);
  return amount * (unit === -1 ? 1 : units[unit]!);
}

function jwtExpiresIn(value: string): string {
  const ms = durationMs(value);
  if (ms === undefined || ms <= 0) {
    throw new ConfigError(`JWT_EXPIRES_IN="${value}" is not a duration (e.g. 1h, 30m, 12h)`);
  }
  if (ms > MAX_JWT_LIFETIME_MS) {
    throw new ConfigError(`JWT_EXPIRES_IN="${value}" is longer than the maximum of 24 hours`);
  }
  return value;
}

/** Whether HOST binds only this machine: the public development JWT secret is safe nowhere else. */
const isLoopbackHost = (host: string) =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** Reads and validates the environment (and `.env` when present). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { dotenv?: boolean } = {}): Config {
  // The real environment wins over `.env`; an empty variable (`OPENAI_BASE_URL=`) means "not set".
  const merged = { ...((options.dotenv ?? env === process.env) ? readDotenv() : {}), ...env };
  const data = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined && value !== ''));
  const raw = envSchema<Env>({ schema: EnvSchema, data, env: false, dotenv: false });
  // The development secret is public (it is in this file): only a development or test process may use it.
  if (!raw.JWT_SECRET && !DEVELOPMENT_ENVS.has(raw.NODE_ENV)) {
    throw new ConfigError(
      `JWT_SECRET is required when NODE_ENV=${raw.NODE_ENV} (the development secret is only used when ` +
        'NODE_ENV is development or test); generate one with `openssl rand -hex 32`',
    );
  }
  // Anyone can sign tokens with the public development secret: a process reachable from other machines must not
  // accept them, whatever NODE_ENV says.
  if (!raw.JWT_SECRET && !isLoopbackHost(raw.HOST)) {
    throw new ConfigError(
      `JWT_SECRET is required when HOST=${raw.HOST}: the development secret is public and is only accepted ` +
        'when the API listens on a loopback address (127.0.0.1, ::1, localhost); generate one with ' +
        '`openssl rand -hex 32`',
    );
  }
  if (raw.JWT_SECRET && Buffer.byteLength(raw.JWT_SECRET) < MIN_JWT_SECRET_BYTES) {
    throw new ConfigError(
      `JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes long (it has ` +
        `${Buffer.byteLength(raw.JWT_SECRET)}); generate one with \`openssl rand -hex 32\``,
    );
  }
  return {
    nodeEnv: raw.NODE_ENV,
    host: raw.HOST,
    port: raw.PORT,
    databaseUrl: raw.DATABASE_URL,
    temporal: {
      address: raw.TEMPORAL_ADDRESS,
      namespace: raw.TEMPORAL_NAMESPACE,
      taskQueue: raw.TEMPORAL_TASK_QUEUE,
      uiPort: raw.TEMPORAL_UI_PORT,
      embeddedPort: raw.EMBEDDED_TEMPORAL_PORT,
      uiUrl: raw.TEMPORAL_UI_URL?.replace(/\/+$/, ''),
    },
    jwt: {
      secret: raw.JWT_SECRET ?? DEV_JWT_SECRET,
      expiresIn: jwtExpiresIn(raw.JWT_EXPIRES_IN),
      isDevelopmentSecret: !raw.JWT_SECRET,
    },
    openai: {
      apiKey: raw.OPENAI_API_KEY,
      baseURL: raw.OPENAI_BASE_URL,
      defaultModel: raw.OPENAI_DEFAULT_MODEL,
      modelWarningDays: raw.OPENAI_MODEL_WARNING_DAYS,
      prices: { ...BUILT_IN_PRICES, ...parsePrices(raw.OPENAI_PRICES) },
      tokenBudgetPerDay: raw.OPENAI_TOKEN_BUDGET_PER_DAY,
      retiredPromptVariables: (['OPENAI_INDIVIDUAL_PROMPT_ID', 'OPENAI_COMPLETE_PROMPT_ID'] as const).filter(
        (name) => raw[name] !== undefined,
      ),
      timeoutMs: raw.OPENAI_TIMEOUT_MS,
      retryWindowSeconds: raw.OPENAI_RETRY_WINDOW_SECONDS,
      retryMaxBackoffSeconds: raw.OPENAI_RETRY_MAX_BACKOFF_SECONDS,
      maxConcurrentPerOrganization: raw.OPENAI_MAX_CONCURRENT_PER_ORGANIZATION,
    },
    scoring: {
      scheduleCron: raw.SCORING_SCHEDULE_CRON,
      scheduleTimezone: raw.SCORING_SCHEDULE_TIMEZONE,
      minLeadsPerClass: raw.SCORING_MIN_LEADS_PER_CLASS,
      scheduleEnabled: raw.SCORING_SCHEDULE_ENABLED,
    },
    webhookToleranceSeconds: raw.WEBHOOK_TOLERANCE_SECONDS,
    publicUrl: (raw.PUBLIC_URL ?? `http://${raw.HOST}:${raw.PORT}`).replace(/\/+$/, ''),
    encryption: encryptionKeys(raw, raw.JWT_SECRET ?? DEV_JWT_SECRET),
    signupMode: raw.SIGNUP_MODE ?? (raw.NODE_ENV === 'production' ? 'closed' : 'open'),
    rateLimits: {
      openaiPerMinute: raw.OPENAI_RATE_LIMIT_PER_MINUTE,
      webhookPerMinute: raw.WEBHOOK_RATE_LIMIT_PER_MINUTE,
    },
    webhookSecretGraceSeconds: raw.WEBHOOK_SECRET_GRACE_SECONDS,
    trustProxy: trustProxy(raw.TRUST_PROXY),
    metricsToken: raw.METRICS_TOKEN,
    logLevel: raw.LOG_LEVEL,
    workerMetricsPort: raw.WORKER_METRICS_PORT,
    workerMemoryMb: raw.WORKER_MEMORY_MB,
    otlpEndpoint: raw.OTEL_EXPORTER_OTLP_ENDPOINT,
    corsOrigins: (raw.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    dataDir: raw.CALLSENSE_DATA_DIR,
    demoData: raw.DEMO_DATA,
    embeddedPostgresPort: raw.EMBEDDED_POSTGRES_PORT,
    events: {
      allowPrivateUrls: raw.EVENTS_ALLOW_PRIVATE_URLS,
      retryDelaysMs: raw.EVENTS_RETRY_DELAYS_MS?.split(',').map(Number),
    },
  };
}

/** Demo accounts (a known password) are only ever created by a development process. */
export const isDevelopment = (config: Config) => config.nodeEnv === 'development';

/** Where the embedded Temporal dev server listens when TEMPORAL_ADDRESS is not set. */
export const embeddedTemporalAddress = (config: Config) => `127.0.0.1:${config.temporal.embeddedPort}`;

let retiredVariablesWarned = false;

/** Logs, once per process (API and worker may share one), that the retired stored-prompt variables are ignored. */
export function warnRetiredPromptVariables(config: Config, warn: (message: string) => void): void {
  const names = config.openai.retiredPromptVariables;
  if (!names.length || retiredVariablesWarned) return;
  retiredVariablesWarned = true;
  warn(
    `${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} ignored: OpenAI retired stored prompts on 2026-11-30. ` +
      'Prompts now live in CallSense (the built-in prompts are the defaults; set organization defaults in the console ' +
      'or with PUT /api/admin/prompt-defaults)',
  );
}
