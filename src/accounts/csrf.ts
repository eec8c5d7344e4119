import type { IncomingHttpHeaders } from 'node:http';
import type { SecretBox } from '../platform/secret-box.js';

/** The hidden field every form we render carries. */
export const CSRF_FIELD = '_csrf';
const MAC_PURPOSE = 'csrf';

/**
 * A synchronizer token derived, not stored: the HMAC of what anchors the form. Signed in,
 * the anchor is the session id, which another site cannot learn; before sign-in it is a
 * random cookie of ours (double submit), so a forged post lacks the matching pair.
 */
export function csrfToken(secrets: SecretBox, anchor: string): string {
  return secrets.mac(MAC_PURPOSE, anchor);
}

export function verifyCsrfToken(secrets: SecretBox, anchor: string, token: unknown): boolean {
  return (
    typeof token === 'string' && token.length > 0 && secrets.verifyMac(MAC_PURPOSE, anchor, token)
  );
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * True when a write comes from our own pages. `Origin` must be ours when sent (browsers
 * send it on every POST, `null` from privacy-stripped contexts counts as foreign);
 * without it, `Sec-Fetch-Site` must not say cross-site or same-site. A request with
 * neither (curl, an old browser) is left to the token.
 */
export function isOwnOriginWrite(headers: IncomingHttpHeaders, publicUrl: string): boolean {
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  return origin === originOf(publicUrl);
}
