import { Client, Connection } from '@temporalio/client';
import { tracing } from '../observability/tracing.js';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
  /** False when Temporal did not answer at start: the connection keeps trying on each call. */
  connectedAtStart: boolean;
}

/** How long a start waits for Temporal before going on without it. */
const START_CONNECT_TIMEOUT_MS = 5_000;

function handleFor(connection: Connection, namespace: string, connectedAtStart: boolean): TemporalHandle {
  const interceptors = tracing()?.clientInterceptors();
  const client = new Client({ connection, namespace, ...(interceptors ? { interceptors } : {}) });
  return { connection, client, close: () => connection.close(), connectedAtStart };
}

export async function connectTemporal(address: string, namespace: string): Promise<TemporalHandle> {
  return handleFor(await Connection.connect({ address }), namespace, true);
}

/**
 * Connects when Temporal answers; otherwise returns a connection that connects on its first successful call.
 * An API process can then start, and answer 503 on the routes that need Temporal, before Temporal is up.
 */
export async function connectTemporalWhenAvailable(address: string, namespace: string): Promise<TemporalHandle> {
  try {
    return handleFor(await Connection.connect({ address, connectTimeout: START_CONNECT_TIMEOUT_MS }), namespace, true);
  } catch {
    return handleFor(Connection.lazy({ address, connectTimeout: START_CONNECT_TIMEOUT_MS }), namespace, false);
  }
}
