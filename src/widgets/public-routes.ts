import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdParams, ProblemSchema } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { serializedPage, type BuiltFeed, type PublicFeeds, type SerializedPage } from './feed.js';
import { ifNoneMatchHits, sendNotModified } from './http-cache.js';
import { renderFragment, widgetStylesheet } from './render.js';
import { FeedQuery, PublicFeedSchema, WidgetDisplaySchema, type FeedQueryInput } from './schema.js';

/**
 * Browsers revalidate on every use (`no-cache` means "store, but ask first"): with the
 * ETag a current copy costs a 304, and an approval, edit or delete shows on the very next
 * page view. `public` lets shared caches and proxies keep it under the same rule, so no
 * cache can keep a deleted testimonial alive either (C19).
 */
export const FEED_CACHE_CONTROL = 'public, no-cache';

/** Derived bodies of one build, made once: the HTML of a page and language, the stylesheet. */
function derived(feed: BuiltFeed, key: string, make: () => string): SerializedPage {
  let page = feed.derived.get(key);
  if (!page) {
    page = serializedPage(make());
    feed.derived.set(key, page);
  }
  return page;
}

/** Sends a cached body with its validators, or a 304 when the client's copy is current. */
export function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  page: SerializedPage,
  type: string,
): FastifyReply {
  reply
    .header('etag', page.etag)
    .header('cache-control', FEED_CACHE_CONTROL)
    .header('cross-origin-resource-policy', 'cross-origin');
  if (ifNoneMatchHits(request.headers['if-none-match'], page.etag)) {
    return sendNotModified(reply);
  }
  // Bytes are sent as they are: the response schema only documents the shape.
  return reply
    .header('x-content-type-options', 'nosniff')
    .type(type)
    .send(page.body as never);
}

/** What the feed route reads besides the request: the cache, and our public URL. */
interface FeedSource {
  feeds: PublicFeeds;
  /** Read per request: a server on port 0 learns its URL after the routes register. */
  config: { publicUrl: string };
}

/** The feed as JSON, or as HTML with `?format=html`, for the page and language asked for. */
function sendFeed(
  request: FastifyRequest,
  reply: FastifyReply,
  { format, cursor, lang }: FeedQueryInput,
  feed: BuiltFeed,
  { feeds, config }: FeedSource,
): FastifyReply {
  if (format === 'html') {
    const publicUrl = config.publicUrl;
    const page = derived(feed, `html:${lang ?? ''}:${cursor ?? ''}`, () =>
      renderFragment(feed, { publicUrl, cursor, language: lang }),
    );
    return sendCached(request, reply, page, 'text/html; charset=utf-8');
  }
  return sendCached(request, reply, feeds.page(feed, cursor), 'application/json; charset=utf-8');
}

/** sendFeed() once the feed is loaded; settles when the reply has gone, as Fastify expects. */
async function sendLoaded(
  request: FastifyRequest,
  reply: FastifyReply,
  query: FeedQueryInput,
  widgetId: string,
  source: FeedSource,
): Promise<void> {
  const feed = await source.feeds.load(widgetId);
  await sendFeed(request, reply, query, feed, source);
}

/**
 * `GET /public/v1/widgets/:id` (JSON, or `?format=html`) and its stylesheet, read by the
 * embed and by static sites. CORS (`*`, never credentials, preflights, errors included)
 * comes from the platform for every `/public` route; Cross-Origin-Resource-Policy lets
 * pages that isolate themselves (COEP) load them.
 */
export async function publicFeedRoutes(
  app: App,
  { services }: RouteDeps,
  feeds: PublicFeeds,
): Promise<void> {
  app.addSchema(WidgetDisplaySchema);
  const source: FeedSource = { feeds, config: services.config };

  app.get(
    '/public/v1/widgets/:id',
    {
      schema: {
        tags: ['public'],
        summary: "A widget's approved testimonials and rating summary (no key, any origin)",
        params: IdParams,
        querystring: FeedQuery,
        response: {
          200: PublicFeedSchema,
          304: Type.Null({ description: 'The copy named by If-None-Match is current; no body.' }),
          404: Type.Ref(ProblemSchema),
        },
      },
    },
    // Not async: a build the cache holds is sent at once, without a promise per request.
    (request, reply) => {
      const { id } = request.params;
      const cached = feeds.current(id);
      if (cached) {
        sendFeed(request, reply, request.query, cached, source);
        return;
      }
      return sendLoaded(request, reply, request.query, id, source);
    },
  );

  app.get(
    '/public/v1/widgets/:id/style.css',
    {
      schema: {
        tags: ['public'],
        summary: "The stylesheet of a widget's server-rendered HTML, with its colours",
        params: IdParams,
      },
    },
    async (request, reply) => {
      const feed = await feeds.load(request.params.id);
      const page = derived(feed, 'css', () => widgetStylesheet(feed));
      return sendCached(request, reply, page, 'text/css; charset=utf-8');
    },
  );
}
