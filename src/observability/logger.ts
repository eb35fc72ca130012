// One JSON logger (pino) for the worker and the Temporal Runtime, with the API's field names
// (organizationId, workflowId, callId). Callers pass ids only: never transcripts or analyses.
import { pino, type Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

export type Logger = PinoLogger;

/** The process's JSON logger at `level` (LOG_LEVEL), written to stdout like the API's (`fd: 2`: stderr). */
export function createLogger(level: string, options: { fd?: 1 | 2 } = {}): Logger {
  return pino({ level }, pino.destination({ fd: options.fd ?? 1, sync: true }));
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

const TENANT_WORKFLOW_ID = /^(call|lead|scoring|reanalysis):([0-9a-f-]{36}):(.+)$/i;

/** The ids a workflow id names (`call:<organizationId>:<callId>`, `lead:<organizationId>:<leadId>`, …). */
export function idsOfWorkflowId(workflowId: unknown): Record<string, string> {
  const match = typeof workflowId === 'string' ? TENANT_WORKFLOW_ID.exec(workflowId) : null;
  if (!match) return {};
  const [, kind, organizationId, rest] = match as unknown as [string, string, string, string];
  if (kind === 'call') return { organizationId, callId: rest };
  if (kind === 'lead') return { organizationId, leadId: rest };
  return { organizationId };
}

/**
 * The Temporal SDK's logger interface on top of pino: workflow and activity `log` calls, the worker's
 * lifecycle messages and (forwarded) Core messages all come out as JSON lines with their attributes
 * (workflowId, runId, activityType, taskQueue, sdkComponent…).
 */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    // The API's field names, from the workflow id every workflow and activity message carries.
    const fields: Record<string, unknown> = idsOfWorkflowId(meta?.workflowId);
    // Symbol keys (the SDK's own timestamp) are internal; errors are serialized by pino's `err`; the task
    // token is an opaque blob that only repeats the ids.
    for (const [key, value] of Object.entries(meta ?? {})) {
      if (key === 'taskToken') continue;
      if (key === 'error' && value instanceof Error) fields.err = value;
      else fields[key] = value;
    }
    this.logger[PINO_LEVEL[level] ?? 'info'](fields, message);
  }

  trace(message: string, meta?: LogMetadata) {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata) {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata) {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata) {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata) {
    this.log('ERROR', message, meta);
  }
}
