import { Type } from '@sinclair/typebox';
import { IdParams, ProblemSchema } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { PublicFeeds } from './feed.js';
import { ifNoneMatchHits, sendNotModified } from './http-cache.js';
import { PublicFeedSchema } from './schema.js';

/**
 * Browsers revalidate on every use (`no-cache` means "store, but ask first"): with the
 * ETag a current copy costs a 304, and an approval, edit or delete shows on the very next
 * page view. `public` lets shared caches and proxies keep it under the same rule.
 */
export const FEED_CACHE_CONTROL = 'public, no-cache';

/**
 * `GET /public/v1/widgets/:id`, read by the embed script on any site. CORS (`*`, never
 * credentials, preflights, errors included) comes from the platform for every `/public`
 * route; Cross-Origin-Resource-Policy lets pages that isolate themselves (COEP) load it.
 */
export async function publicFeedRoutes(app: App, { services }: RouteDeps) {
  const feeds = new PublicFeeds(services.db.kysely);

  app.get(
    '/public/v1/widgets/:id',
    {
      schema: {
        tags: ['public'],
        summary: "A widget's approved testimonials and rating summary (no key, any origin)",
        params: IdParams,
        response: {
          200: PublicFeedSchema,
          304: Type.Null({ description: 'The copy named by If-None-Match is current; no body.' }),
          404: Type.Ref(ProblemSchema),
        },
      },
    },
    async (request, reply) => {
      const feed = await feeds.load(request.params.id);
      reply
        .header('etag', feed.etag)
        .header('cache-control', FEED_CACHE_CONTROL)
        .header('cross-origin-resource-policy', 'cross-origin');
      if (ifNoneMatchHits(request.headers['if-none-match'], feed.etag)) {
        return sendNotModified(reply);
      }
      // The body is JSON already: Fastify sends a string with a JSON type as it is, so the
      // response schema documents the shape without serializing it again.
      return reply
        .header('x-content-type-options', 'nosniff')
        .type('application/json; charset=utf-8')
        .send(feed.body as never);
    },
  );
}
