import { Type } from '@sinclair/typebox';
import type { OutgoingHttpHeaders } from 'node:http';
import { AppError } from '../platform/errors.js';
import { IdParams, ProblemSchema } from '../platform/http/schemas.js';
import type { App } from '../platform/http/types.js';
import type { PublicFeeds } from './feed.js';
import { STREAM_HEADERS, type FeedStreams } from './stream-hub.js';

const StreamQuery = Type.Object({
  since: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'The `version` of the feed the widget shows; `Last-Event-ID` wins over it.',
    }),
  ),
});

/** `Last-Event-ID` as the browser sends it on a reconnect: our ids are content versions. */
function lastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * `GET /public/v1/widgets/:id/stream`: server-sent events for a live widget. Events:
 * `change` (removed ids, new or edited items with their index, summary), `reset` (the
 * whole first page), `reload` (layout or settings changed) and `gone` (the widget was
 * deleted; the stream ends). Each carries the content version as its id. A comment line
 * every 20 s keeps idle proxies from closing it.
 */
export async function streamRoutes(app: App, feeds: PublicFeeds, streams: FeedStreams) {
  app.addHook('preClose', async () => streams.close());

  app.get(
    '/public/v1/widgets/:id/stream',
    {
      exposeHeadRoute: false,
      schema: {
        tags: ['public'],
        summary: "Live changes of a widget's feed as server-sent events (text/event-stream)",
        params: IdParams,
        querystring: StreamQuery,
        response: {
          400: Type.Ref(ProblemSchema),
          404: Type.Ref(ProblemSchema),
          503: Type.Ref(ProblemSchema),
        },
      },
    },
    async (request, reply) => {
      // EventSource always asks for this; anything else would wait forever on a stream.
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
        throw new AppError(
          'bad_request',
          'This is an event stream: send Accept: text/event-stream.',
        );
      }
      streams.assertCapacity();
      const feed = await feeds.load(request.params.id);
      const since = lastEventId(request.headers['last-event-id']) ?? request.query.since;

      // From here on the response is ours: headers set so far (CORS, request id, rate
      // limit) go out with the stream's own.
      reply.hijack();
      const headers = { ...(reply.getHeaders() as OutgoingHttpHeaders), ...STREAM_HEADERS };
      reply.raw.writeHead(200, headers);
      streams.open(reply.raw, feed, since);
    },
  );
}
