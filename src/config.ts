// The one place where the environment is read. Everything else receives a Config.
import { existsSync, readFileSync } from 'node:fs';
import { hkdfSync } from 'node:crypto';
import { parseEnv } from 'node:util';
import { envSchema } from 'env-schema';
import { Type, type Static } from 'typebox';

const DEV_JWT_SECRET = 'callsense-development-secret-change-me';
const DEVELOPMENT_ENVS = new Set(['development', 'test']);
/** HS256 keys shorter than the hash output (32 bytes) are guessable offline from any token. */
const MIN_JWT_SECRET_BYTES = 32;

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
  TRUST_PROXY: Type.Boolean({ default: false }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  PUBLIC_URL: Type.Optional(Type.String({ minLength: 1 })),
  // 32 bytes as 64 hex characters or base64; seals stored provider credentials (AES-256-GCM).
  CALLSENSE_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 1 })),
  WORKER_METRICS_PORT: Type.Integer({ default: 9464, minimum: 0, maximum: 65535 }),
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
  /** Key that seals stored credentials; derived from the JWT secret when CALLSENSE_ENCRYPTION_KEY is unset. */
  encryption: { key: Buffer; derivedFromJwtSecret: boolean };
  signupMode: 'open' | 'closed';
  rateLimits: { openaiPerMinute: number; webhookPerMinute: number };
  webhookSecretGraceSeconds: number;
  /** Take the client address from X-Forwarded-For (behind a load balancer). */
  trustProxy: boolean;
  logLevel: string;
  /** Where the worker serves /metrics (0: a free port, for tests and side-by-side workers). */
  workerMetricsPort: number;
  /** OTLP/HTTP endpoint for traces; tracing is off without it. */
  otlpEndpoint: string | undefined;
  /** Origins allowed to call the API from a browser (CORS); empty: none. */
  corsOrigins: string[];
  dataDir: string;
  embeddedPostgresPort: number;
  /** Outbound events: whether private and plain-http URLs are allowed, and the delays between attempts. */
  events: { allowPrivateUrls: boolean; retryDelaysMs: number[] | undefined };
}

export class ConfigError extends Error {}

function readDotenv(path = '.env'): Record<string, string> {
  return existsSync(path) ? (parseEnv(readFileSync(path, 'utf8')) as Record<string, string>) : {};
}

/**
 * The credential-sealing key: CALLSENSE_ENCRYPTION_KEY (exactly 32 bytes, hex or base64), else HKDF-SHA256 of the
 * JWT secret. The derived key keeps a database dump alone from revealing credentials; a key of its own also
 * survives a JWT secret rotation, which the derived one does not.
 */
function encryptionKey(configured: string | undefined, jwtSecret: string): Config['encryption'] {
  if (!configured) {
    const key = Buffer.from(hkdfSync('sha256', jwtSecret, 'callsense', 'callsense sealed secrets v1', 32));
    return { key, derivedFromJwtSecret: true };
  }
  const key = /^[0-9a-f]{64}$/i.test(configured) ? Buffer.from(configured, 'hex') : Buffer.from(configured, 'base64');
  if (key.length !== 32 || (!/^[0-9a-f]{64}$/i.test(configured) && key.toString('base64') !== configured)) {
    throw new ConfigError('CALLSENSE_ENCRYPTION_KEY must be 32 bytes: 64 hex characters or 44 base64 characters');
  }
  return { key, derivedFromJwtSecret: false };
}

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
      expiresIn: raw.JWT_EXPIRES_IN,
      isDevelopmentSecret: !raw.JWT_SECRET,
    },
    openai: {
      apiKey: raw.OPENAI_API_KEY,
      baseURL: raw.OPENAI_BASE_URL,
      defaultModel: raw.OPENAI_DEFAULT_MODEL,
      modelWarningDays: raw.OPENAI_MODEL_WARNING_DAYS,
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
    encryption: encryptionKey(raw.CALLSENSE_ENCRYPTION_KEY, raw.JWT_SECRET ?? DEV_JWT_SECRET),
    signupMode: raw.SIGNUP_MODE ?? (raw.NODE_ENV === 'production' ? 'closed' : 'open'),
    rateLimits: {
      openaiPerMinute: raw.OPENAI_RATE_LIMIT_PER_MINUTE,
      webhookPerMinute: raw.WEBHOOK_RATE_LIMIT_PER_MINUTE,
    },
    webhookSecretGraceSeconds: raw.WEBHOOK_SECRET_GRACE_SECONDS,
    trustProxy: raw.TRUST_PROXY,
    logLevel: raw.LOG_LEVEL,
    workerMetricsPort: raw.WORKER_METRICS_PORT,
    otlpEndpoint: raw.OTEL_EXPORTER_OTLP_ENDPOINT,
    corsOrigins: (raw.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    dataDir: raw.CALLSENSE_DATA_DIR,
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
