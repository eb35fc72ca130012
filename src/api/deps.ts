// What every part of the HTTP API is built from: route plugins take these as their options.
import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { OpenAIGateway } from '../openai/gateway.js';
import type { SecurityOptions } from './plugins/security.js';

export interface AppDeps {
  config: Config;
  orm: Orm;
  temporal: { client: Client; connection: Connection };
  openai: OpenAIGateway;
  /** Failed logins per account per minute before it is blocked (default 10: slows guessing, never a real user). */
  loginRateLimit?: number;
  /** Overrides of the overload thresholds (tests). */
  pressure?: SecurityOptions['pressure'];
  /** Failed logins per client address per minute before it is blocked (default 10: one address spraying accounts). */
  loginAddressRateLimit?: number;
  /** Signups per client address per minute (default 5). */
  signupRateLimit?: number;
}
