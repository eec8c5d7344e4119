import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/** A strong entity tag: the SHA-256 of the exact bytes sent. */
export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * RFC 9110 §13.1.2: If-None-Match compares weakly, so `W/"x"` matches `"x"`, and `*`
 * matches any current representation. A hit means the client's copy is current (304).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === opaque);
}

/** 304 with no body at all (not even a serialized `null`) and no Content-Length. */
export function sendNotModified(reply: FastifyReply): FastifyReply {
  return reply.code(304).send();
}
