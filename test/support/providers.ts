// Voice-platform deliveries for tests: the fixtures under test/fixtures (written from Retell's and Vapi's public
// documentation and SDK types), signed here with WebCrypto, an implementation independent of the verifier.
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import type { App } from '../../src/api/app.js';
import { as, postWebhook, type Account } from './api.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

/** A deep copy of the Retell `call_analyzed` fixture. */
// biome-ignore lint/suspicious/noExplicitAny: tests change arbitrary nested fields of a provider's payload
const retellFixture = () => fixture('retell-call-analyzed.json') as { event: string; call: Record<string, any> };
/** A deep copy of the Vapi `end-of-call-report` fixture. */
// biome-ignore lint/suspicious/noExplicitAny: tests change arbitrary nested fields of a provider's payload
const vapiFixture = () => fixture('vapi-end-of-call-report.json') as { message: Record<string, any> };

export const RETELL_FIXTURE_AGENT = 'oBeDLoLOeuAbiuaMFXRtDOLriTJ5tSxD';
export const VAPI_FIXTURE_ASSISTANT = '5b0a9e3c-2d71-4f88-a6c4-1e9b7d2f0c63';

/** Like a Retell API key: `key_` and 28 hex characters. */
export const newRetellApiKey = () => `key_${randomBytes(14).toString('hex')}`;
export const newVapiSecret = () => randomBytes(24).toString('base64url');

/** Retell's header: `v=<ms>,d=<hex HMAC-SHA256(key, body bytes ‖ decimal ms)>`, computed with WebCrypto. */
export async function retellSignature(apiKey: string, raw: string | Buffer, timestampMs = Date.now()): Promise<string> {
  const algorithm = { name: 'HMAC', hash: 'SHA-256' };
  const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(apiKey), algorithm, false, ['sign']);
  const message = Buffer.concat([Buffer.from(raw), Buffer.from(String(timestampMs), 'ascii')]);
  const digest = Buffer.from(await webcrypto.subtle.sign('HMAC', key, message)).toString('hex');
  return `v=${timestampMs},d=${digest}`;
}

export const postRetell = (app: App, organizationId: string, raw: string, headers: Record<string, string>) =>
  postWebhook(app, 'retell', organizationId, raw, headers);

/** Posts `body` signed like Retell does, with `apiKey` and the time `atMs` (now by default). */
export async function deliverRetell(app: App, organizationId: string, apiKey: string, body: unknown, atMs?: number) {
  const raw = JSON.stringify(body);
  return postRetell(app, organizationId, raw, { 'x-retell-signature': await retellSignature(apiKey, raw, atMs) });
}

export const deliverVapi = (app: App, organizationId: string, secret: string | undefined, body: unknown) =>
  postWebhook(
    app,
    'vapi',
    organizationId,
    JSON.stringify(body),
    secret === undefined ? {} : { 'x-vapi-secret': secret },
  );

/** The Retell fixture as a fresh call: its own call id, and whatever the test changes. */
export function retellCall(overrides: { event?: string; callId?: string; call?: Record<string, unknown> } = {}) {
  const body = retellFixture();
  body.event = overrides.event ?? body.event;
  Object.assign(body.call, { call_id: overrides.callId ?? `retell-${randomUUID()}` }, overrides.call ?? {});
  return body;
}

/** The Vapi fixture as a fresh call: its own call id, and whatever the test changes. */
type Fields = Record<string, unknown>;
export function vapiReport(overrides: { callId?: string; message?: Fields; call?: Fields } = {}) {
  const body = vapiFixture();
  Object.assign(body.message.call, { id: overrides.callId ?? randomUUID() }, overrides.call ?? {});
  Object.assign(body.message, overrides.message ?? {});
  return body;
}

type UserMap = Record<string, string>;

async function configure(app: App, admin: Account, provider: string, settings: object) {
  const res = await as(app, admin).put(`/admin/integrations/${provider}`, settings);
  if (res.statusCode !== 200) throw new Error(`configure ${provider} failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

type Defaults = { defaultUserId?: string | null };

type RetellSettings = { apiKey: string; agentUsers?: UserMap } & Defaults;
type VapiSettings = { secret: string; assistantUsers?: UserMap } & Defaults;

export const configureRetell = (app: App, admin: Account, settings: RetellSettings) =>
  configure(app, admin, 'retell', settings);

export const configureVapi = (app: App, admin: Account, settings: VapiSettings) =>
  configure(app, admin, 'vapi', settings);
