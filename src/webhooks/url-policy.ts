import { validationError } from '../platform/errors.js';
import { blockedAddressRange, isIpLiteral } from './address-policy.js';

export interface UrlPolicy {
  /** Accept `http:` as well as `https:` (WEBHOOKS_ALLOW_HTTP, for self-hosting and tests). */
  allowHttp: boolean;
  /** Accept loopback and private addresses (WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

export const MAX_URL_CHARS = 2_048;

/**
 * Checks an endpoint URL when it is created or changed and returns its normalised form.
 * A literal IP host is classified here; a hostname is classified after DNS resolution,
 * at connect time (see guarded-agent.ts), because what it resolves to can change.
 */
export function validateEndpointUrl(raw: string, policy: UrlPolicy): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationError('/url', 'must be an absolute URL');
  }

  const protocols = policy.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!protocols.includes(url.protocol)) {
    throw validationError('/url', `must use ${protocols.join(' or ')}`);
  }
  if (url.username || url.password) {
    throw validationError('/url', 'must not contain a user name or password');
  }
  if (!policy.allowPrivate && isIpLiteral(url.hostname)) {
    const range = blockedAddressRange(url.hostname);
    if (range) throw validationError('/url', `must not point at a non-public address (${range})`);
  }
  if (url.href.length > MAX_URL_CHARS) {
    throw validationError('/url', `must be at most ${MAX_URL_CHARS} characters`);
  }
  return url.href;
}
