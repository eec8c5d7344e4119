import { afterAll, describe, expect, it } from 'vitest';
import { redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from '../../test/support/redis.js';
import { createLogger } from './logger.js';
import { MemoryPubSub, openPubSub, type PubSub } from './pubsub.js';

const log = createLogger('silent');

function collector(pubsub: PubSub, channel: string) {
  const received: string[] = [];
  const ready = pubsub.subscribe(channel, (message) => received.push(message));
  return { received, ready };
}

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('MemoryPubSub', () => {
  it('delivers to the channel’s subscribers only, until they unsubscribe', async () => {
    const pubsub = new MemoryPubSub();
    const a = collector(pubsub, 'a');
    const b = collector(pubsub, 'b');
    const unsubscribe = await a.ready;
    await b.ready;
    await pubsub.publish('a', 'one');
    await eventually(() => a.received.length === 1);
    await unsubscribe();
    await pubsub.publish('a', 'two');
    await new Promise((r) => setTimeout(r, 20));
    expect(a.received).toEqual(['one']);
    expect(b.received).toEqual([]);
  });
});

describe.runIf(await redisAvailable())('RedisPubSub', () => {
  const opened: PubSub[] = [];
  const open = (prefix: string, url = TEST_REDIS_URL) => {
    const pubsub = openPubSub({ redisUrl: url, redisKeyPrefix: prefix }, log);
    opened.push(pubsub);
    return pubsub;
  };
  afterAll(async () => {
    for (const pubsub of opened) await pubsub.close();
  });

  it('carries a message between two processes sharing a prefix, and not to another prefix', async () => {
    const prefix = uniqueRedisPrefix('pubsub');
    const sender = open(prefix);
    const same = collector(open(prefix), 'news');
    const other = collector(open(uniqueRedisPrefix('other')), 'news');
    await Promise.all([same.ready, other.ready]);
    await sender.publish('news', 'wsp_1');
    await eventually(() => same.received.length === 1);
    expect(same.received).toEqual(['wsp_1']);
    expect(other.received).toEqual([]);
  });

  it('with Redis down, publishing does not throw and subscribing fails, so callers fall back', async () => {
    const down = open(uniqueRedisPrefix('down'), 'redis://127.0.0.1:1');
    await expect(down.publish('news', 'lost')).resolves.toBeUndefined();
    await expect(down.subscribe('news', () => undefined)).rejects.toThrow();
  });
});
