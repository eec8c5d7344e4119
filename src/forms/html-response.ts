import type { FastifyReply } from 'fastify';

/**
 * The hosted pages run no script at all and load styles only from us; they may not be
 * framed, and forms post only to us.
 */
export const HOSTED_PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

// `same-origin`, not `no-referrer`: under no-referrer browsers send `Origin: null` with
// our own form posts, and the cross-site check would refuse them.
export const HOSTED_PAGE_HEADERS = {
  'content-security-policy': HOSTED_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** Sends a rendered page; pages hold a time-bound token or the visitor's input, so no cache. */
export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}
