// Which endpoint URLs CallSense may call (against server-side request forgery): https only, and a host whose
// every address is public. The check returns the address it approved, and the delivery connects to that very
// address (see http-post.ts), so a name that resolves differently a moment later (DNS rebinding) cannot send the
// request somewhere else. EVENTS_ALLOW_PRIVATE_URLS lifts both rules for development and tests.
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses; injectable so tests can make a name resolve anywhere. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export class EndpointUrlError extends Error {
  override name = 'EndpointUrlError';
}

/** Where a checked URL may be reached: the approved address, or null when the rules are lifted. */
export interface CheckedUrl {
  url: URL;
  pinned: ResolvedAddress | null;
}

/** Loopback, private, link-local, carrier-grade NAT, multicast, reserved…: everything but public unicast. */
function isPublic(address: string): boolean {
  return ipaddr.process(address).range() === 'unicast';
}

/** The URL's form alone (no resolution): an absolute http(s) URL without credentials; https unless lifted. */
function parseEndpointUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EndpointUrlError('is not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new EndpointUrlError('must start with https://');
  }
  // Credentials in the URL would be sent to whoever answers and shown to every admin.
  if (url.username || url.password) throw new EndpointUrlError('must not carry a user name or password');
  return url;
}

/** Checks the URL and resolves its host; throws EndpointUrlError saying why it may not be called. */
export async function checkEndpointUrl(
  raw: string,
  options: { allowPrivate: boolean; resolve?: Resolver },
): Promise<CheckedUrl> {
  const url = parseEndpointUrl(raw, options.allowPrivate);
  if (options.allowPrivate) return { url, pinned: null };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch {
      throw new EndpointUrlError('has a host name that does not resolve');
    }
  }
  if (addresses.length === 0) throw new EndpointUrlError('has a host name that does not resolve');
  // Every address must be public: a name with one private address among public ones is refused too.
  if (!addresses.every((a) => ipaddr.isValid(a.address) && isPublic(a.address))) {
    throw new EndpointUrlError('resolves to a loopback, private, link-local or otherwise non-public address');
  }
  return { url, pinned: addresses[0]! };
}
