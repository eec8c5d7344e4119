import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from '../../test/support/redis.js';
import { parseConfig } from '../platform/config.js';
import { createHttpApp } from '../platform/http/app.js';
import type { App } from '../platform/http/types.js';
import { createLogger } from '../platform/logger.js';
import { createServices } from '../platform/services.js';
import { PublicFeeds } from './feed.js';
import { liveStreamsOf } from './routes.js';
import { FeedStreams } from './stream-hub.js';
import { streamRoutes } from './stream-routes.js';

const dialects = await testDialects();
const WAIT_MS = 10_000;

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A minimal text/event-stream reader over node:http, keeping every event and comment. */
class SseReader {
  readonly events: SseEvent[] = [];
  readonly raw: string[] = [];
  ended = false;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  private request: http.ClientRequest | undefined;
  private buffer = '';
  private waiters: (() => void)[] = [];

  static open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = new SseReader();
    return new Promise((resolve, reject) => {
      reader.request = http.get(
        url,
        { headers: { accept: 'text/event-stream', ...headers } },
        (res) => {
          reader.status = res.statusCode ?? 0;
          reader.headers = res.headers;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => reader.push(chunk));
          res.on('end', () => {
            reader.ended = true;
            reader.notify();
          });
          resolve(reader);
        },
      );
      reader.request.on('error', (error) => (reader.ended ? undefined : reject(error)));
    });
  }

  private push(chunk: string): void {
    this.raw.push(chunk);
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        const colon = line.indexOf(': ');
        if (colon > 0)
          (event as Record<string, string>)[line.slice(0, colon)] = line.slice(colon + 2);
      }
      this.events.push(event);
    }
    this.notify();
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** The first event (after `from`) matching, waiting for it up to WAIT_MS. */
  async next(type: string, from = 0): Promise<SseEvent & { json: Record<string, unknown> }> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.events.slice(from).find((e) => e.event === type);
      if (found) return { ...found, json: JSON.parse(found.data ?? '{}') };
      if (this.ended) throw new Error(`stream ended before a ${type} event`);
      if (Date.now() > deadline) throw new Error(`no ${type} event within ${WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async untilComment(text: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!this.events.some((e) => e.comment === text) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async untilEnded(): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): void {
    this.request?.destroy();
  }
}

describe.each(dialects)('widget live stream (%s)', (dialect) => {
  let t: TestContext;
  let base: string;
  const readers: SseReader[] = [];

  beforeAll(async () => {
    t = await createTestContext(dialect, { startWorker: true });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const reader of readers) reader.close();
    await t.close();
  });

  async function api(method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    const res = await t.app.inject({
      method,
      url,
      headers: t.auth(),
      ...(payload ? { payload: payload as Record<string, unknown> } : {}),
    });
    expect([url, res.statusCode]).toEqual([url, method === 'POST' ? 201 : 200]);
    return res.json();
  }

  async function widget(tag: string, settings: Record<string, unknown> = {}) {
    const created = await api('POST', '/v1/widgets', {
      name: 'Live',
      settings: { tags: [tag], ...settings },
    });
    const feed = await t.app.inject({ url: `/public/v1/widgets/${created.id}` });
    return { id: created.id as string, version: feed.json().version as number };
  }

  async function stream(id: string, query = '', headers: Record<string, string> = {}) {
    const reader = await SseReader.open(`${base}/public/v1/widgets/${id}/stream${query}`, headers);
    readers.push(reader);
    return reader;
  }

  it('refuses what is not an event stream request, and an unknown widget, with problems', async () => {
    const { id } = await widget('refuse');
    const plain = await t.app.inject({ url: `/public/v1/widgets/${id}/stream` });
    expect([plain.statusCode, plain.json().code]).toEqual([400, 'bad_request']);
    const unknown = await t.app.inject({
      url: '/public/v1/widgets/wgt_00000000000000000000000000/stream',
      headers: { accept: 'text/event-stream', origin: 'https://customer.example' },
    });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'not_found']);
    expect(unknown.headers['access-control-allow-origin']).toBe('*');
  });

  it('opens with the headers a proxy needs and the retry interval, before any event (C21)', async () => {
    const { id, version } = await widget('headers');
    const reader = await stream(id, `?since=${version}`, { origin: 'https://customer.example' });
    expect(reader.status).toBe(200);
    expect(reader.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(reader.headers['cache-control']).toBe('no-cache, no-transform');
    expect(reader.headers['x-accel-buffering']).toBe('no');
    expect(reader.headers['access-control-allow-origin']).toBe('*');
    expect(reader.headers['access-control-allow-credentials']).toBeUndefined();
    expect(reader.headers['request-id']).toMatch(/^req_/);
    await reader.untilComment('open');
    expect(reader.raw.join('')).toBe('retry: 3000\n: open\n\n');
  }, 20_000);

  it('sends an approval, an edit and a removal as numbered change events', async () => {
    const { id, version } = await widget('live');
    const pending = await api('POST', '/v1/testimonials', {
      text: 'Arrives live',
      author_name: 'Ana',
      rating: 4,
      tags: ['live'],
    });
    const reader = await stream(id, `?since=${version}`);

    await api('PATCH', `/v1/testimonials/${pending.id}`, { status: 'approved' });
    const approved = await reader.next('change');
    expect(approved.json.removed).toEqual([]);
    expect(approved.json.upserted).toEqual([
      { index: 0, item: expect.objectContaining({ id: pending.id, text: 'Arrives live' }) },
    ]);
    expect(approved.json.summary).toEqual({
      count: 1,
      rating_count: 1,
      average: 4,
      rating_rounded: 4,
    });
    expect(Number(approved.id)).toBe(approved.json.version);
    expect(approved.json.version).toBeGreaterThan(version);

    const seen = reader.events.length;
    await api('PATCH', `/v1/testimonials/${pending.id}`, { text: 'Edited live' });
    const edited = await reader.next('change', seen);
    expect(edited.json.upserted).toEqual([
      { index: 0, item: expect.objectContaining({ id: pending.id, text: 'Edited live' }) },
    ]);
    expect(Number(edited.id)).toBeGreaterThan(Number(approved.id));

    const before = reader.events.length;
    await api('DELETE', `/v1/testimonials/${pending.id}`);
    const removed = await reader.next('change', before);
    expect(removed.json).toMatchObject({ removed: [pending.id], upserted: [] });
    expect(removed.json.summary).toEqual({
      count: 0,
      rating_count: 0,
      average: null,
      rating_rounded: null,
    });
  }, 30_000);

  it('replays what a reconnect missed from Last-Event-ID, or resets when it cannot', async () => {
    const { id, version } = await widget('replay');
    const first = await stream(id, `?since=${version}`);
    const a = await api('POST', '/v1/testimonials', {
      text: 'First',
      author_name: 'A',
      status: 'approved',
      tags: ['replay'],
    });
    const seenA = await first.next('change');
    first.close();

    // Missed while disconnected:
    const b = await api('POST', '/v1/testimonials', {
      text: 'Second',
      author_name: 'B',
      status: 'approved',
      tags: ['replay'],
    });
    await t.app.inject({ url: `/public/v1/widgets/${id}` }); // this process builds the new version
    const again = await stream(id, `?since=${version}`, { 'last-event-id': String(seenA.id) });
    const missed = await again.next('change');
    expect(missed.json.upserted).toEqual([
      { index: 0, item: expect.objectContaining({ id: b.id }) },
    ]);
    expect(missed.json.removed).toEqual([]);

    const stranger = await stream(id, '', { 'last-event-id': '0' });
    const reset = await stranger.next('reset');
    expect((reset.json.testimonials as { id: string }[]).map((x) => x.id)).toEqual([b.id, a.id]);
    expect(Number(reset.id)).toBe(reset.json.version);
  }, 30_000);

  it('tells a widget to reload when its layout changes, and closes the stream of a deleted one', async () => {
    const { id, version } = await widget('gone');
    const reader = await stream(id, `?since=${version}`);
    const streams = liveStreamsOf(t.services)!;
    const open = streams.openCount;

    await api('PATCH', `/v1/widgets/${id}`, { kind: 'slider' });
    const reload = await reader.next('reload');
    expect(Number(reload.id)).toBeGreaterThan(version);

    await api('DELETE', `/v1/widgets/${id}`);
    await reader.next('gone');
    await reader.untilEnded();
    expect(reader.ended).toBe(true);
    expect(streams.openCount).toBe(open - 1);
  }, 30_000);
});

describe('widget live stream heartbeat', () => {
  let t: TestContext;
  let app: App;
  let streams: FeedStreams;

  beforeAll(async () => {
    t = await createTestContext('sqlite');
    const feeds = new PublicFeeds(t.services.db.kysely);
    streams = new FeedStreams(feeds, t.services.db.kysely, t.services.pubsub, t.services.log, {
      heartbeatMs: 50,
    });
    app = await createHttpApp(t.services, {
      features: [(scope) => streamRoutes(scope, feeds, streams)],
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('writes a comment line on its interval so idle proxies keep the stream (C21)', async () => {
    const port = (app.server.address() as AddressInfo).port;
    const reader = await SseReader.open(
      `http://127.0.0.1:${port}/public/v1/widgets/${t.widgetId}/stream?since=999999`,
    );
    const deadline = Date.now() + WAIT_MS;
    while (
      reader.events.filter((e) => e.comment === 'heartbeat').length < 2 &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(reader.events.filter((e) => e.comment === 'heartbeat').length).toBeGreaterThanOrEqual(2);
    expect(streams.openCount).toBe(1);
    reader.close();
  });

  it('ends every stream when the server closes, so shutdown does not wait on them', async () => {
    const port = (app.server.address() as AddressInfo).port;
    const reader = await SseReader.open(
      `http://127.0.0.1:${port}/public/v1/widgets/${t.widgetId}/stream?since=999999`,
    );
    await app.close();
    await reader.untilEnded();
    expect(reader.ended).toBe(true);
  });
});

describe.runIf(dialects.includes('postgres') && (await redisAvailable()))(
  'widget live stream across processes through Redis',
  () => {
    let a: TestContext;
    let b: Awaited<ReturnType<typeof createServices>>;
    let app: App;

    beforeAll(async () => {
      const prefix = uniqueRedisPrefix('widgets');
      a = await createTestContext('postgres', {
        startWorker: true,
        env: { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix },
      });
      b = await createServices(
        parseConfig({
          SHOWTRUST_DATA_DIR: a.database.dataDir,
          DATABASE_URL: a.database.databaseUrl!,
          REDIS_URL: TEST_REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          LOG_LEVEL: 'silent',
        }),
        { log: createLogger('silent') },
      );
      // Process B never polls within the test: an event can only come through Redis.
      const feeds = new PublicFeeds(b.db.kysely);
      const streams = new FeedStreams(feeds, b.db.kysely, b.pubsub, b.log, { pollMs: 3_600_000 });
      app = await createHttpApp(b, { features: [(scope) => streamRoutes(scope, feeds, streams)] });
      await app.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await app.close();
      await b.runCloseHooks();
      await b.db.close();
      await b.rateLimits.close();
      await a.close();
    });

    it('shows an approval made through process A on a stream held by process B', async () => {
      const widget = await a.app.inject({
        method: 'POST',
        url: '/v1/widgets',
        headers: a.auth(),
        payload: { name: 'Across', settings: { tags: ['across'] } },
      });
      const id = widget.json().id;
      const version = (await a.app.inject({ url: `/public/v1/widgets/${id}` })).json().version;
      const port = (app.server.address() as AddressInfo).port;
      const reader = await SseReader.open(
        `http://127.0.0.1:${port}/public/v1/widgets/${id}/stream?since=${version}`,
      );
      // B subscribes when its first stream opens; give the SUBSCRIBE a moment to land.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const created = await a.app.inject({
        method: 'POST',
        url: '/v1/testimonials',
        headers: a.auth(),
        payload: { text: 'Through Redis', author_name: 'R', status: 'approved', tags: ['across'] },
      });
      const change = await reader.next('change');
      expect(change.json.upserted).toEqual([
        {
          index: 0,
          item: expect.objectContaining({ id: created.json().id, text: 'Through Redis' }),
        },
      ]);
      reader.close();
    }, 30_000);
  },
);
