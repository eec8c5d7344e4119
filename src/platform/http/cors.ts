import cors from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import type { App } from './types.js';

/** Headers a browser app may read from our responses. */
export const EXPOSED_HEADERS = [
  'request-id',
  'etag',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'location',
  'idempotent-replayed',
];

/**
 * The API and the public feeds answer any origin, without credentials: `/v1` is
 * authenticated by bearer tokens, never cookies, so `*` grants nothing a page could not
 * already do. Errors carry the headers too, so browser code can read them. Hosted pages
 * get no CORS headers at all.
 */
function isCrossOriginPath(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/public/');
}

// Built once: the delegator runs on every request, on the hot path of the widget feed.
const OPEN_CORS = {
  origin: '*',
  credentials: false,
  methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
  exposedHeaders: EXPOSED_HEADERS,
  maxAge: 600,
  strictPreflight: false,
};
const NO_CORS = { origin: false };

export async function installCors(app: App): Promise<void> {
  await app.register(cors, {
    delegator: (request: FastifyRequest, callback) => {
      callback(null, isCrossOriginPath(request.url) ? OPEN_CORS : NO_CORS);
    },
  });
}
