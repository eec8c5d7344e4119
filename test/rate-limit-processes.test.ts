import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAvailable, TEST_REDIS_URL, uniqueRedisPrefix } from './support/redis.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

// Long enough that 61 sequential requests fit in it even on a loaded machine.
const WINDOW_SECONDS = 30;
const LIMIT = 60;

describe.runIf(await redisAvailable())('one rate-limit budget across two servers (Redis)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-ratelimit-'));
  const prefix = uniqueRedisPrefix('processes');
  const servers: ServerProcess[] = [];
  const env = {
    SHOWTRUST_DATA_DIR: dataDir,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    RATE_LIMIT_API_PER_MINUTE: String(LIMIT),
    RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
  };

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    fs.rmSync(dataDir, { recursive: true, force: true });
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('C06 over two processes: request 61 is refused on either, until the shared window resets', async () => {
    const a = await startServerProcess(env);
    servers.push(a);
    const b = await startServerProcess(env);
    servers.push(b);
    const key = a.apiKey!;
    expect(key).toMatch(/^st_live_/);
    const list = (server: ServerProcess) =>
      fetch(`${server.url}/v1/testimonials?limit=1`, {
        headers: { authorization: `Bearer ${key}` },
      });

    const opensAfterMs = Date.now();
    const statuses: number[] = [];
    let opensBeforeMs = 0;
    for (let i = 0; i < LIMIT; i++) {
      const res = await list(i % 2 === 0 ? a : b);
      if (i === 0) opensBeforeMs = Date.now();
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual(Array(LIMIT).fill(200));

    const askedMs = Date.now();
    const refused = await list(a);
    expect(refused.status).toBe(429);
    expect((await refused.json()).code).toBe('rate_limited');
    expect(refused.headers.get('ratelimit-policy')).toBe(`"api";q=${LIMIT};w=${WINDOW_SECONDS}`);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(refused.headers.get('ratelimit')).toBe(`"api";r=0;t=${retryAfter}`);
    // The window opened between sending the first request and reading its answer.
    const earliestResetS = (opensAfterMs + WINDOW_SECONDS * 1000 - Date.now()) / 1000;
    const latestResetS = (opensBeforeMs + WINDOW_SECONDS * 1000 - askedMs) / 1000;
    expect(retryAfter).toBeGreaterThanOrEqual(Math.floor(earliestResetS) - 1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(latestResetS) + 1);

    const elsewhere = await list(b);
    expect(elsewhere.status).toBe(429);
    await elsewhere.arrayBuffer();

    const redis = new Redis(TEST_REDIS_URL);
    const counters = await redis.keys(`${prefix}ratelimit:api:credential:*`);
    await redis.quit();
    expect(counters).toHaveLength(1);

    await sleep(retryAfter * 1000);
    const later = await list(b);
    expect(later.status).toBe(200);
    expect(later.headers.get('ratelimit')).toMatch(new RegExp(`^"api";r=${LIMIT - 1};t=\\d+$`));
  }, 180_000);
});
