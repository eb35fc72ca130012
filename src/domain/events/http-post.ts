// One delivery attempt over HTTP: POST to the checked address, no redirects, at most 10 s, and an outcome in
// plain words. Errors never carry the receiver's addresses or TLS internals: they are shown to admins and kept.
import { Agent, request } from 'undici';
import type { ResolvedAddress } from './url-rules.js';

const ATTEMPT_TIMEOUT_MS = 10_000;

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** The plain reason of a failed connection (codes from Node's net/tls and undici). */
function connectionError(error: unknown, timedOut: boolean): string {
  if (timedOut) return `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`;
  const code = String(
    (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code ?? '',
  );
  if (code === 'ECONNREFUSED') return 'Connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'The host name does not resolve';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return 'The TLS certificate was not accepted';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE')
    return 'The connection was closed before an answer';
  return 'The connection failed';
}

/**
 * POSTs `body` with `headers` to `url`. With `pinned`, the connection goes to that address whatever the name
 * resolves to now (the TLS name check still uses the URL's host). `signal` aborts it (activity cancellation).
 */
export async function postEvent(input: {
  url: URL;
  pinned: ResolvedAddress | null;
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}): Promise<AttemptOutcome> {
  const timeoutMs = input.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const { pinned } = input;
  const agent = new Agent({
    connect: {
      timeout: timeoutMs,
      ...(pinned
        ? {
            lookup: (
              _hostname: string,
              options: { all?: boolean },
              callback: (error: Error | null, address: string | ResolvedAddress[], family?: number) => void,
            ) => {
              if (options.all) callback(null, [pinned]);
              else callback(null, pinned.address, pinned.family);
            },
          }
        : {}),
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // One attempt, one connection: nothing is kept alive between attempts to a pinned address.
    pipelining: 0,
  });
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    const response = await request(input.url, {
      method: 'POST',
      headers: input.headers,
      body: input.body,
      dispatcher: agent,
      signal,
    });
    // The answer's body is not used; reading a little of it lets the connection close cleanly.
    await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    const statusCode = response.statusCode;
    if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode, error: null };
    if (statusCode >= 300 && statusCode < 400)
      return { ok: false, statusCode, error: `Redirects are not followed (HTTP ${statusCode})` };
    return { ok: false, statusCode, error: `HTTP ${statusCode}` };
  } catch (error) {
    if (input.signal?.aborted) throw error;
    return { ok: false, statusCode: null, error: connectionError(error, timeout.aborted) };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}
