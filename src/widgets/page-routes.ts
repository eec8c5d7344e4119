import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { AppError } from '../platform/errors.js';
import { IdParams } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { serializedPage, type PublicFeeds } from './feed.js';
import { renderFramePage, renderWallPage } from './pages.js';
import { sendCached } from './public-routes.js';
import { findWidgetBySlug } from './store.js';
import { WIDGET_LANGUAGES, type WidgetLanguage } from './schema.js';

/** The wall has no script at all; images are ours or https (avatars); nobody may frame it. */
const WALL_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' https:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The iframe embed runs our scripts only, talks to us only, and any site may frame it. */
const FRAME_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' https:",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');

const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 64 }) });
const WallQuery = Type.Object({
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}\\.[0-9a-z_]{1,64}$' })),
});

/** The first language of Accept-Language we have labels for, for a widget set to `auto`. */
function preferredLanguage(header: string | undefined): WidgetLanguage | undefined {
  for (const part of (header ?? '').split(',')) {
    const tag = part.trim().split(';')[0]?.toLowerCase().split('-')[0];
    if (tag && (WIDGET_LANGUAGES as readonly string[]).includes(tag)) return tag as WidgetLanguage;
  }
  return undefined;
}

function pageHeaders(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('x-content-type-options', 'nosniff');
}

const NOT_FOUND_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>' +
  '<body><h1>Not found</h1><p>There is no wall of testimonials here.</p></body></html>\n';

/** `GET /w/{slug}` (the shareable wall of love) and `GET /embed/{id}` (the iframe embed). */
export async function pageRoutes(
  app: App,
  { services }: RouteDeps,
  feeds: PublicFeeds,
  frameScript: string | undefined,
) {
  app.get(
    '/w/:slug',
    { schema: { hide: true, params: SlugParams, querystring: WallQuery } },
    async (request, reply) => {
      const row = await findWidgetBySlug(services.db.kysely, request.params.slug);
      if (!row) {
        return pageHeaders(reply, WALL_CSP)
          .code(404)
          .type('text/html; charset=utf-8')
          .send(NOT_FOUND_PAGE);
      }
      const feed = await feeds.load(row.id);
      const language = preferredLanguage(request.headers['accept-language']);
      const { cursor } = request.query;
      const key = `wall:${language ?? ''}:${cursor ?? ''}`;
      let page = feed.derived.get(key);
      if (!page) {
        const body = renderWallPage({
          feed,
          publicUrl: services.config.publicUrl,
          cursor,
          language,
        });
        page = serializedPage(body);
        feed.derived.set(key, page);
      }
      reply.header('vary', 'accept-language');
      return sendCached(request, pageHeaders(reply, WALL_CSP), page, 'text/html; charset=utf-8');
    },
  );

  app.get('/embed/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const feed = await feeds.load(request.params.id).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') return undefined;
      throw error;
    });
    if (!feed) {
      return pageHeaders(reply, FRAME_CSP)
        .code(404)
        .type('text/html; charset=utf-8')
        .send(NOT_FOUND_PAGE);
    }
    let page = feed.derived.get('frame');
    if (!page) {
      const body = renderFramePage({ feed, publicUrl: services.config.publicUrl, frameScript });
      page = serializedPage(body);
      feed.derived.set('frame', page);
    }
    return sendCached(request, pageHeaders(reply, FRAME_CSP), page, 'text/html; charset=utf-8');
  });
}
