import type { FastifyReply, FastifyRequest } from 'fastify';
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

const EXPOSE_HEADERS = EXPOSED_HEADERS.join(', ');
const ALLOW_METHODS = 'GET, HEAD, POST, PATCH, DELETE';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * A preflight is answered from the hook, before any route's authentication, with 204: any
 * method we serve and whatever request headers the browser asks for (we read no cookie).
 */
function answerPreflight(request: FastifyRequest, reply: FastifyReply): void {
  reply
    .header('vary', 'Origin, Access-Control-Request-Headers')
    .header('access-control-allow-methods', ALLOW_METHODS);
  const asked = request.headers['access-control-request-headers'];
  if (asked !== undefined) reply.header('access-control-allow-headers', asked);
  reply
    .header('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS)
    .code(204)
    .header('content-length', '0')
    .send();
}

/**
 * One synchronous hook, since it runs on every request (the widget feed's hot path too):
 * the headers are fixed strings, decided by the path alone. Every answer says
 * `Vary: Origin`, as the cookie routes must (they echo only our own origin).
 */
export function installCors(app: App): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('vary', 'Origin');
    if (!isCrossOriginPath(request.url)) return done();
    reply
      .header('access-control-allow-origin', '*')
      .header('access-control-expose-headers', EXPOSE_HEADERS);
    if (request.method !== 'OPTIONS') return done();
    answerPreflight(request, reply);
  });
  // Lets OPTIONS reach the hook on every path; paths without CORS get the usual 404.
  app.options('*', { schema: { hide: true } }, (_request, reply) => reply.callNotFound());
}
