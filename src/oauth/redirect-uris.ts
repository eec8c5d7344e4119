const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why a redirect URI cannot be registered, or undefined when it can. Authorization
 * requests must repeat a registered URI character for character (RFC 9700 §4.1.3), so
 * only the canonical spelling (what the URL parser writes back) is accepted: no two
 * spellings of one address, no case games in host or scheme, no fragment, no userinfo.
 */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
  ) {
    return 'must use https (http only on 127.0.0.1, [::1] or localhost)';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.hash || value.includes('#')) return 'must not contain a fragment';
  if (url.href !== value) return `must be written in canonical form: ${url.href}`;
  return undefined;
}
