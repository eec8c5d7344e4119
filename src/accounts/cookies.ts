import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config.js';

export interface CookieOptions {
  /** Omitted: a browser-session cookie. 0 deletes the cookie. */
  maxAgeSeconds?: number;
  httpOnly: boolean;
  secure: boolean;
  path?: string;
}

export function isHttps(config: Pick<Config, 'publicUrl'>): boolean {
  return config.publicUrl.startsWith('https:');
}

/**
 * Over https our cookies carry the `__Host-` prefix: the browser then only accepts them
 * when Secure, for Path=/ and without Domain, so no other host (a sibling subdomain, a
 * network attacker on http) can plant or overwrite one.
 */
export function cookieName(config: Pick<Config, 'publicUrl'>, base: string): string {
  return isHttps(config) ? `__Host-${base}` : base;
}

/** One `Set-Cookie` value; SameSite=Lax keeps cookies off cross-site posts and subresources. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) {
    parts.push(`Max-Age=${options.maxAgeSeconds}`);
    if (options.maxAgeSeconds === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The value of one cookie from the request's Cookie header (the first, if sent twice). */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const index = pair.indexOf('=');
    if (index < 0) continue;
    if (pair.slice(0, index).trim() === name) return pair.slice(index + 1).trim();
  }
  return undefined;
}

/** Adds a Set-Cookie header without dropping ones set earlier in the request. */
export function appendCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  const list =
    existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  reply.header('set-cookie', [...list, cookie]);
}
