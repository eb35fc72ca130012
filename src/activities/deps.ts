import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { OpenAIGateway } from '../openai/gateway.js';
import type { WorkerMetrics } from '../observability/metrics.js';
import type { TenantSlots } from './tenant-slots.js';

/** What activities need from the outside world; handed to the activity factories by the worker. */
export interface ActivityDeps {
  config: Config;
  orm: Orm;
  openai: OpenAIGateway;
  /** For activities that start or signal other workflows (signal-with-start of the lead workflow). */
  temporal: Client;
  /** Where the OpenAI activities count fallbacks to the system prompt. */
  metrics?: WorkerMetrics;
  /** The per-organization cap on in-flight OpenAI requests of this worker. */
  tenantSlots: TenantSlots;
}
