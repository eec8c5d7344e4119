import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/context.js';
import { appendCookie, cookieName, isHttps, readCookie, serializeCookie } from './cookies.js';
import { CSRF_FIELD, csrfToken, isOwnOriginWrite, verifyCsrfToken } from './csrf.js';
import { findSignedInUser, type SignedInUser } from './sessions.js';
import { looksLikeSecretToken, newSecretToken } from './tokens.js';

/** Account and consent pages run no script, load styles only from us and cannot be framed. */
export function pageCsp(extraFormActions: string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    // A consent form's post ends in a redirect to the app, which form-action also governs.
    `form-action 'self'${extraFormActions.map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  if (!reply.hasHeader('content-security-policy')) {
    reply.header('content-security-policy', pageCsp());
  }
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
}

/**
 * CORS for cookie-authenticated routes: only our own origin is ever echoed (with
 * credentials), and `Vary: Origin` always, so no cache hands one origin's answer to another.
 */
export function applyOwnOriginCors(
  request: FastifyRequest,
  reply: FastifyReply,
  publicUrl: string,
): void {
  reply.header('vary', 'Origin');
  const origin = request.headers.origin;
  if (origin !== undefined && origin === new URL(publicUrl).origin) {
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
  }
}

export const SESSION_COOKIE = 'showtrust_session';
const ANCHOR_COOKIE = 'showtrust_csrf';

const signedIn = new WeakMap<FastifyRequest, Promise<SignedInUser | undefined>>();

/** The signed-in user of this request (looked up once per request), if any. */
export function currentUser(
  services: Services,
  request: FastifyRequest,
): Promise<SignedInUser | undefined> {
  let found = signedIn.get(request);
  if (!found) {
    const token = readCookie(request, cookieName(services.config, SESSION_COOKIE));
    found = findSignedInUser(services, token);
    signedIn.set(request, found);
  }
  return found;
}

/** The cookie of a session just created: it lives as long as the session may. */
export function setSessionCookie(services: Services, reply: FastifyReply, token: string): void {
  const name = cookieName(services.config, SESSION_COOKIE);
  const secure = isHttps(services.config);
  const maxAgeSeconds = Math.floor(services.config.accounts.sessionMaxAgeMs / 1000);
  appendCookie(reply, serializeCookie(name, token, { maxAgeSeconds, httpOnly: true, secure }));
}

export function clearSessionCookie(services: Services, reply: FastifyReply): void {
  const name = cookieName(services.config, SESSION_COOKIE);
  const secure = isHttps(services.config);
  appendCookie(reply, serializeCookie(name, '', { maxAgeSeconds: 0, httpOnly: true, secure }));
}

/**
 * The value a signed-out form's token is bound to: a random cookie of ours, set on the
 * first page that needs it (double submit).
 */
export function anonymousAnchor(services: Services, request: FastifyRequest, reply: FastifyReply) {
  const name = cookieName(services.config, ANCHOR_COOKIE);
  const existing = readCookie(request, name);
  if (looksLikeSecretToken(existing)) return existing;
  const value = newSecretToken();
  const secure = isHttps(services.config);
  appendCookie(reply, serializeCookie(name, value, { httpOnly: true, secure }));
  return value;
}

function anchorOf(services: Services, request: FastifyRequest, user: SignedInUser | undefined) {
  if (user) return `session:${user.sessionId}`;
  const value = readCookie(request, cookieName(services.config, ANCHOR_COOKIE));
  return looksLikeSecretToken(value) ? `anonymous:${value}` : undefined;
}

/** The `_csrf` value for a form on this page: bound to the session, or to the anonymous cookie. */
export function formToken(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: SignedInUser | undefined,
): string {
  const anchor = user
    ? `session:${user.sessionId}`
    : `anonymous:${anonymousAnchor(services, request, reply)}`;
  return csrfToken(services.secrets, anchor);
}

/** True when a posted form came from our own page: same origin, and its token matches. */
export function isGenuineFormPost(
  services: Services,
  request: FastifyRequest,
  user: SignedInUser | undefined,
): boolean {
  if (!isOwnOriginWrite(request.headers, services.config.publicUrl)) return false;
  const anchor = anchorOf(services, request, user);
  const body = request.body as Record<string, unknown> | undefined;
  return anchor !== undefined && verifyCsrfToken(services.secrets, anchor, body?.[CSRF_FIELD]);
}

/** One string field of a posted form ('' when absent or repeated). */
export function formField(request: FastifyRequest, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
