import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  ManualClock,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from '../../test/support/redis.js';
import { buildApp } from '../app.js';
import { parseConfig } from '../platform/config.js';
import type { Services } from '../platform/context.js';
import type { App } from '../platform/http/types.js';
import { createLogger } from '../platform/logger.js';
import { createServices } from '../platform/services.js';
import { FEED_RECHECK_MS } from './feed.js';
import { CONTENT_CHANNEL } from './live-announce.js';
import { feedInvalidationOf } from './routes.js';

/*
 * Every clock here stands still unless a test moves it: whatever a request shows before
 * FEED_RECHECK_MS has passed, it learnt from an invalidation, not from the re-read bound.
 */

const dialects = await testDialects();
const withRedis = dialects.includes('postgres') && (await redisAvailable());

interface Instance {
  app: App;
  services: Services;
  clock: ManualClock;
}

/** A second server process on the database of `first`: its own services, app and cache. */
async function secondInstance(first: TestContext, env: Record<string, string> = {}) {
  const clock = new ManualClock();
  const services = await createServices(
    parseConfig({
      SHOWTRUST_DATA_DIR: first.database.dataDir,
      DATABASE_URL: first.database.databaseUrl!,
      LOG_LEVEL: 'silent',
      ...env,
    }),
    { clock, log: createLogger('silent') },
  );
  const app = await buildApp(services);
  await app.ready();
  return {
    instance: { app, services, clock } satisfies Instance,
    async close() {
      await app.close();
      await services.runCloseHooks();
      await services.db.close();
      await services.rateLimits.close();
    },
  };
}

/** The texts a feed shows, its rating count and ETag, read through `app`. */
async function shown(app: App, widgetId: string) {
  const res = await app.inject({ url: `/public/v1/widgets/${widgetId}` });
  expect(res.statusCode).toBe(200);
  const body = res.json() as { testimonials: { text: string }[]; summary: { count: number } };
  return {
    texts: body.testimonials.map((x) => x.text),
    count: body.summary.count,
    etag: res.headers.etag,
  };
}

/** Writes through the API of `t`, as an admin does. */
function adminOf(t: TestContext) {
  const call = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url, headers: t.auth(), payload });
    expect([method, url, res.statusCode]).toEqual([method, url, method === 'POST' ? 201 : 200]);
    return res.json() as { id: string };
  };
  return {
    widget: async (tag: string) =>
      (await call('POST', '/v1/widgets', { name: tag, settings: { tags: [tag] } })).id,
    pending: async (tag: string, text: string) =>
      (await call('POST', '/v1/testimonials', { text, author_name: 'A', tags: [tag], rating: 5 }))
        .id,
    approve: (id: string) => call('PATCH', `/v1/testimonials/${id}`, { status: 'approved' }),
    remove: (id: string) => call('DELETE', `/v1/testimonials/${id}`),
  };
}

describe.each(dialects)('feed cache, changes made in the same process (%s)', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect, { clock: new ManualClock() });
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows an approval and a delete on the very next request', async () => {
    const admin = adminOf(t);
    const widgetId = await admin.widget('same');
    const id = await admin.pending('same', 'Approved here');
    expect(await shown(t.app, widgetId)).toMatchObject({ texts: [], count: 0 });

    await admin.approve(id);
    expect(await shown(t.app, widgetId)).toMatchObject({ texts: ['Approved here'], count: 1 });

    await admin.remove(id);
    expect(await shown(t.app, widgetId)).toMatchObject({ texts: [], count: 0 });
  });

  it('answers 404 on the next request once the widget is deleted', async () => {
    const admin = adminOf(t);
    const widgetId = await admin.widget('gone');
    await shown(t.app, widgetId);
    await t.app.inject({ method: 'DELETE', url: `/v1/widgets/${widgetId}`, headers: t.auth() });
    const res = await t.app.inject({ url: `/public/v1/widgets/${widgetId}` });
    expect([res.statusCode, res.json().code]).toEqual([404, 'not_found']);
  });
});

describe.runIf(dialects.includes('postgres'))(
  'feed cache, two processes on one PostgreSQL without Redis',
  () => {
    let a: TestContext;
    let b: Awaited<ReturnType<typeof secondInstance>>;

    beforeAll(async () => {
      a = await createTestContext('postgres', { clock: new ManualClock() });
      b = await secondInstance(a);
    });
    afterAll(async () => {
      await b.close();
      await a.close();
    });

    it('shows an approval and a delete made through the other process within FEED_RECHECK_MS', async () => {
      const admin = adminOf(a);
      const { app, clock } = b.instance;
      const widgetId = await admin.widget('apart');
      const id = await admin.pending('apart', 'Approved over there');
      const before = await shown(app, widgetId);
      expect(before).toMatchObject({ texts: [], count: 0 });

      await admin.approve(id);
      expect(await shown(a.app, widgetId)).toMatchObject({ texts: ['Approved over there'] });
      clock.advance(FEED_RECHECK_MS - 1);
      expect(await shown(app, widgetId)).toEqual(before);
      clock.advance(1);
      const approved = await shown(app, widgetId);
      expect(approved).toMatchObject({ texts: ['Approved over there'], count: 1 });

      await admin.remove(id);
      clock.advance(FEED_RECHECK_MS - 1);
      expect(await shown(app, widgetId)).toEqual(approved);
      clock.advance(1);
      const removed = await shown(app, widgetId);
      expect(removed).toMatchObject({ texts: [], count: 0 });
      expect(removed.etag).not.toBe(approved.etag);
    });
  },
);

describe.runIf(withRedis)('feed cache, two processes through Redis', () => {
  let a: TestContext;
  let b: Awaited<ReturnType<typeof secondInstance>>;

  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: uniqueRedisPrefix('feeds') };
    a = await createTestContext('postgres', { clock: new ManualClock(), env });
    b = await secondInstance(a, env);
    // On a busy machine the first SUBSCRIBE may time out; it is tried again until it lands.
    await feedInvalidationOf(b.instance.services)!.listening;
  }, 60_000);
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  /** Resolves when B next receives `message` on the content channel. */
  async function nextOnB(message: string): Promise<{ arrived: Promise<void> }> {
    let heard!: () => void;
    const arrived = new Promise<void>((resolve) => (heard = resolve));
    const stop = await b.instance.services.pubsub.subscribe(CONTENT_CHANNEL, (received) => {
      if (received === message) heard();
    });
    return { arrived: arrived.then(stop) };
  }

  /**
   * Runs the change on A, then its announcement job, and resolves once B has heard that
   * announcement; B's cache hears it in the same delivery. A sentinel sent first drains
   * older announcements (one Redis connection delivers in order), so none is mistaken for it.
   */
  async function onAHeardByB(change: () => Promise<unknown>): Promise<void> {
    await change();
    const sentinel = await nextOnB('sentinel');
    await a.services.pubsub.publish(CONTENT_CHANNEL, 'sentinel');
    await sentinel.arrived;

    const announcement = await nextOnB(a.workspaceId);
    expect(await a.services.jobs.runDue()).toBeGreaterThan(0);
    await announcement.arrived;
  }

  it('shows an approval and a delete made through the other process at once', async () => {
    const admin = adminOf(a);
    const { app } = b.instance;
    const widgetId = await admin.widget('redis');
    const id = await admin.pending('redis', 'Approved through Redis');
    expect(await shown(app, widgetId)).toMatchObject({ texts: [], count: 0 });

    await onAHeardByB(() => admin.approve(id));
    expect(await shown(app, widgetId)).toMatchObject({
      texts: ['Approved through Redis'],
      count: 1,
    });

    await onAHeardByB(() => admin.remove(id));
    expect(await shown(app, widgetId)).toMatchObject({ texts: [], count: 0 });
  });
});
