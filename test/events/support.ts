// Helpers of the outbound-event tests: an endpoint through the API, and waiting on deliveries.
import { createHmac } from 'node:crypto';
import type { App } from '../../src/api/app.js';
import { as, type Account } from '../support/api.js';
import { waitFor } from '../support/harness.js';
import type { Received } from './receiver.js';

export interface CreatedEndpoint {
  id: string;
  url: string;
  events: string[];
  secret: string;
}

export async function addEndpoint(app: App, admin: Account, url: string, events: string[]): Promise<CreatedEndpoint> {
  const res = await as(app, admin).post('/admin/event-endpoints', { url, events });
  if (res.statusCode !== 201) throw new Error(`endpoint not created: ${res.statusCode} ${res.body}`);
  return res.json();
}

export interface DeliveryItem {
  id: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export async function deliveriesOf(app: App, admin: Account, endpointId: string, query = ''): Promise<DeliveryItem[]> {
  const res = await as(app, admin).get(`/admin/event-endpoints/${endpointId}/deliveries?limit=100${query}`);
  if (res.statusCode !== 200) throw new Error(`deliveries: ${res.statusCode} ${res.body}`);
  return res.json().items;
}

/** Waits until `check` holds for the endpoint's deliveries, and returns them. */
export function waitForDeliveries(
  app: App,
  admin: Account,
  endpointId: string,
  check: (items: DeliveryItem[]) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<DeliveryItem[]> {
  return waitFor(
    async () => {
      const items = await deliveriesOf(app, admin, endpointId);
      return check(items) ? items : null;
    },
    { timeoutMs, intervalMs: 200, what },
  );
}

/**
 * The signature the specification defines, computed by hand (no library): base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>", keyed with the base64-decoded secret after `whsec_`.
 */
export function handSignature(secret: string, received: Received): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${received.headers['webhook-id']}.${received.headers['webhook-timestamp']}.${received.raw}`;
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}
