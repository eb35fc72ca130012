// What a tenant may read about a failed OpenAI request. Upstream texts can carry the operator's internals
// (OpenAI organization ids in rate-limit texts, masked key fragments in 401s, `connect ECONNREFUSED host:port`),
// so answers say what happened in plain words; the raw text is for the logs only.
import type { OpenAIRequestError } from './errors.js';

/** Removes what must never reach a tenant from an upstream text: organization ids, keys, hosts and ports. */
function scrubUpstreamText(text: string): string {
  return text
    .replace(/\borg-[A-Za-z0-9]+/g, '[organization]')
    .replace(/\b(sk|rk|pk)-[A-Za-z0-9_*\-.]{4,}/g, '[key]')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'",)]+/gi, '[address]')
    .replace(/\[?\b[0-9a-f:.]*[0-9a-f]\]?:\d{2,5}\b/gi, '[address]')
    .replace(/\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?\b/gi, (host) => (/\.(json|js|ts)$/i.test(host) ? host : '[host]'));
}

export function publicOpenAIMessage(error: OpenAIRequestError): string {
  switch (error.kind) {
    case 'not_configured':
      return 'OpenAI is not configured on this server';
    case 'unauthorized':
      return 'OpenAI rejected the configured API key';
    case 'rate_limited':
      return 'OpenAI is rate-limiting requests right now; try again shortly';
    case 'unavailable':
      return 'OpenAI could not be reached or failed to answer; try again shortly';
    default:
      // Not found, rejected request, output that is not a JSON object: about the caller's prompt, kept (scrubbed).
      return scrubUpstreamText(error.message);
  }
}
