import type { IncomingHttpHeaders } from 'node:http';

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function isOwnOrigin(origin: string, host: string | undefined, publicUrl: string): boolean {
  const given = parse(origin); // `null` (sandboxed or privacy-stripped) does not parse
  if (!given) return false;
  if (given.origin === parse(publicUrl)?.origin) return true;
  // The page's own host also counts, for a server reached under another name than
  // PUBLIC_URL: a forged post from another site still carries that site's origin.
  return host !== undefined && given.origin === parse(`${given.protocol}//${host}`)?.origin;
}

/**
 * True when a form post comes from another site's page. Browsers send `Origin` on every
 * POST and `Sec-Fetch-Site` on most; a request with neither (an old browser, curl) is
 * left to the signed token.
 */
export function isCrossSitePost(headers: IncomingHttpHeaders, publicUrl: string): boolean {
  if (headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = headers.origin;
  if (origin === undefined) return false;
  return !isOwnOrigin(origin, headers.host, publicUrl);
}
