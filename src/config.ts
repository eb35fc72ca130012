// The one place where the environment is read (CONTRACT.md §1). Everything else receives a Config.
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { envSchema } from 'env-schema';
import { Type, type Static } from 'typebox';

const DEV_JWT_SECRET = 'callsense-development-secret-change-me';

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
  OPENAI_INDIVIDUAL_PROMPT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OPENAI_COMPLETE_PROMPT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OPENAI_TIMEOUT_MS: Type.Integer({ default: 60000, minimum: 1 }),
  SCORING_SCHEDULE_CRON: Type.String({ default: '0 3 * * 0' }),
  SCORING_SCHEDULE_TIMEZONE: Type.String({ default: 'UTC' }),
  WEBHOOK_TOLERANCE_SECONDS: Type.Integer({ default: 300, minimum: 1 }),
  SCORING_MIN_LEADS_PER_CLASS: Type.Integer({ default: 20, minimum: 1 }),
  // Not in the contract: a worker pool that must not own the weekly schedule (extra pools, tests) sets false.
  SCORING_SCHEDULE_ENABLED: Type.Boolean({ default: true }),
  // Unset: `open`, but `closed` when NODE_ENV=production.
  SIGNUP_MODE: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  OPENAI_RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 30, minimum: 1 }),
  WEBHOOK_RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
  WEBHOOK_SECRET_GRACE_SECONDS: Type.Integer({ default: 86400, minimum: 0 }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  // Not in the contract: where `npm start` keeps its embedded services' data.
  CALLSENSE_DATA_DIR: Type.String({ default: '.data' }),
  EMBEDDED_POSTGRES_PORT: Type.Integer({ default: 5488 }),
  TEMPORAL_UI_PORT: Type.Integer({ default: 8233 }),
});

type Env = Static<typeof EnvSchema>;

export interface Config {
  nodeEnv: string;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  temporal: { address: string | undefined; namespace: string; taskQueue: string; uiPort: number };
  jwt: { secret: string; expiresIn: string; isDevelopmentSecret: boolean };
  openai: {
    apiKey: string | undefined;
    baseURL: string | undefined;
    individualPromptId: string | undefined;
    completePromptId: string | undefined;
    timeoutMs: number;
  };
  scoring: { scheduleCron: string; scheduleTimezone: string; minLeadsPerClass: number; scheduleEnabled: boolean };
  webhookToleranceSeconds: number;
  signupMode: 'open' | 'closed';
  rateLimits: { openaiPerMinute: number; webhookPerMinute: number };
  webhookSecretGraceSeconds: number;
  /** Take the client address from X-Forwarded-For (behind a load balancer). */
  trustProxy: boolean;
  logLevel: string;
  dataDir: string;
  embeddedPostgresPort: number;
}

export class ConfigError extends Error {}

function readDotenv(path = '.env'): Record<string, string> {
  return existsSync(path) ? parseEnv(readFileSync(path, 'utf8')) as Record<string, string> : {};
}

/** Reads and validates the environment (and `.env` when present). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { dotenv?: boolean } = {}): Config {
  // The real environment wins over `.env`; an empty variable (`OPENAI_BASE_URL=`) means "not set".
  const merged = { ...((options.dotenv ?? env === process.env) ? readDotenv() : {}), ...env };
  const data = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined && value !== ''));
  const raw = envSchema<Env>({ schema: EnvSchema, data, env: false, dotenv: false });
  if (!raw.JWT_SECRET && raw.NODE_ENV === 'production') {
    throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
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
    },
    jwt: {
      secret: raw.JWT_SECRET ?? DEV_JWT_SECRET,
      expiresIn: raw.JWT_EXPIRES_IN,
      isDevelopmentSecret: !raw.JWT_SECRET,
    },
    openai: {
      apiKey: raw.OPENAI_API_KEY,
      baseURL: raw.OPENAI_BASE_URL,
      individualPromptId: raw.OPENAI_INDIVIDUAL_PROMPT_ID,
      completePromptId: raw.OPENAI_COMPLETE_PROMPT_ID,
      timeoutMs: raw.OPENAI_TIMEOUT_MS,
    },
    scoring: {
      scheduleCron: raw.SCORING_SCHEDULE_CRON,
      scheduleTimezone: raw.SCORING_SCHEDULE_TIMEZONE,
      minLeadsPerClass: raw.SCORING_MIN_LEADS_PER_CLASS,
      scheduleEnabled: raw.SCORING_SCHEDULE_ENABLED,
    },
    webhookToleranceSeconds: raw.WEBHOOK_TOLERANCE_SECONDS,
    signupMode: raw.SIGNUP_MODE ?? (raw.NODE_ENV === 'production' ? 'closed' : 'open'),
    rateLimits: { openaiPerMinute: raw.OPENAI_RATE_LIMIT_PER_MINUTE, webhookPerMinute: raw.WEBHOOK_RATE_LIMIT_PER_MINUTE },
    webhookSecretGraceSeconds: raw.WEBHOOK_SECRET_GRACE_SECONDS,
    trustProxy: raw.TRUST_PROXY,
    logLevel: raw.LOG_LEVEL,
    dataDir: raw.CALLSENSE_DATA_DIR,
    embeddedPostgresPort: raw.EMBEDDED_POSTGRES_PORT,
  };
}

/** Where the embedded Temporal dev server listens when TEMPORAL_ADDRESS is not set. */
export const EMBEDDED_TEMPORAL_ADDRESS = '127.0.0.1:7233';
