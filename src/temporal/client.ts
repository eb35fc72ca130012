import { Client, Connection } from '@temporalio/client';
import { tracing } from '../observability/tracing.js';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

export async function connectTemporal(address: string, namespace: string): Promise<TemporalHandle> {
  const connection = await Connection.connect({ address });
  const interceptors = tracing()?.clientInterceptors();
  const client = new Client({ connection, namespace, ...(interceptors ? { interceptors } : {}) });
  return { connection, client, close: () => connection.close() };
}
