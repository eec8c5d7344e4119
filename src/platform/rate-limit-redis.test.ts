import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from '../../test/support/redis.js';
import { createLogger } from './logger.js';
import { RedisRateLimitStore } from './rate-limit-redis.js';
import { RedisConnection } from './redis.js';

function captureLogs() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, log: createLogger('debug', sink) };
}

const stores: RedisRateLimitStore[] = [];
function openStore(url: string, prefix: string, log = captureLogs().log) {
  const store = new RedisRateLimitStore(new RedisConnection(url, log), prefix);
  stores.push(store);
  return store;
}
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

describe.runIf(await redisAvailable())('RedisRateLimitStore', () => {
  it('counts hits from two connections atomically in one window', async () => {
    const prefix = uniqueRedisPrefix('store');
    const first = openStore(TEST_REDIS_URL, prefix);
    const second = openStore(TEST_REDIS_URL, prefix);

    const hits = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? first : second).hit('api:key_1', 60_000)),
    );
    const counts = hits.map((h) => h.count).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (const hit of hits) {
      expect(hit.msLeft).toBeGreaterThan(0);
      expect(hit.msLeft).toBeLessThanOrEqual(60_000);
    }
    expect((await first.hit('api:key_2', 60_000)).count).toBe(1);
  });

  it('opens a new window once the key has expired in Redis', async () => {
    const store = openStore(TEST_REDIS_URL, uniqueRedisPrefix('expiry'));
    const opened = await store.hit('public:ip', 1_000);
    expect(opened.count).toBe(1);
    expect(opened.msLeft).toBeLessThanOrEqual(1_000);
    expect((await store.hit('public:ip', 1_000)).count).toBe(2);

    await sleep(opened.msLeft + 100);
    expect((await store.hit('public:ip', 1_000)).count).toBe(1);
  });
});

describe('RedisRateLimitStore without a reachable Redis', () => {
  it('counts in memory instead and warns once for the outage', async () => {
    const { lines, log } = captureLogs();
    const store = openStore('redis://127.0.0.1:1', uniqueRedisPrefix('down'), log);

    expect((await store.hit('api:key_1', 60_000)).count).toBe(1);
    expect((await store.hit('api:key_1', 60_000)).count).toBe(2);
    const warnings = lines.filter((l) => l.includes('redis unavailable'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!).level).toBe(40);
  });
});
