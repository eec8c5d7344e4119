import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, MemoryRateLimiter, PolicyRateLimiter } from './rate-limit.js';

function clockAt(startMs: number) {
  const clock = { ms: startMs, nowMs: () => clock.ms };
  return clock;
}

describe('MemoryRateLimiter', () => {
  it('allows the limit within one window and refuses the next request', async () => {
    const clock = clockAt(1_000_000);
    const limiter = new MemoryRateLimiter({ limit: 3, windowMs: 60_000, clock });

    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('ip:1'));

    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]).toEqual({
      allowed: false,
      limit: 3,
      remaining: 0,
      resetAtMs: 1_060_000,
      retryAfterSeconds: 60,
    });
  });

  it('reports the real time left and opens a new window when it ends', async () => {
    const clock = clockAt(0);
    const limiter = new MemoryRateLimiter({ limit: 1, windowMs: 60_000, clock });
    await limiter.consume('ip:1');

    clock.ms = 20_500;
    const refused = await limiter.consume('ip:1');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(40);

    clock.ms = 59_999;
    expect((await limiter.consume('ip:1')).retryAfterSeconds).toBe(1);

    clock.ms = 60_000;
    const fresh = await limiter.consume('ip:1');
    expect(fresh).toMatchObject({ allowed: true, remaining: 0, resetAtMs: 120_000 });
  });

  it('counts each key on its own', async () => {
    const limiter = new MemoryRateLimiter({ limit: 1, windowMs: 1_000, clock: clockAt(0) });
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('b')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
  });

  it('forgets expired windows and holds no more than maxKeys', async () => {
    const clock = clockAt(0);
    const limiter = new MemoryRateLimiter({ limit: 5, windowMs: 1_000, clock, maxKeys: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await limiter.consume(key);
    expect(limiter.size).toBe(3);

    clock.ms = 1_000;
    await limiter.consume('e');
    expect(limiter.size).toBe(1);
  });

  it('refuses a limit or window that cannot work', () => {
    expect(() => new MemoryRateLimiter({ limit: 0, windowMs: 1_000 })).toThrow(RangeError);
    expect(() => new MemoryRateLimiter({ limit: 1.5, windowMs: 1_000 })).toThrow(RangeError);
    expect(() => new MemoryRateLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });
});

describe('PolicyRateLimiter over a shared store', () => {
  it('keeps each policy in its own counters over one store', async () => {
    const clock = clockAt(0);
    const store = new MemoryRateLimitStore({ clock });
    const api = new PolicyRateLimiter(store, { name: 'api', limit: 2, windowMs: 60_000 }, clock);
    const feed = new PolicyRateLimiter(store, { name: 'feed', limit: 1, windowMs: 60_000 }, clock);

    expect((await api.consume('k')).remaining).toBe(1);
    expect((await feed.consume('k')).allowed).toBe(true);
    expect((await api.consume('k')).allowed).toBe(true);
    expect((await api.consume('k')).allowed).toBe(false);
    expect((await feed.consume('k')).allowed).toBe(false);
    expect(store.size).toBe(2);
  });

  it('gives two limiters on one store one budget, as two servers on one Redis get', async () => {
    const clock = clockAt(5_000);
    const store = new MemoryRateLimitStore({ clock });
    const policy = { name: 'api', limit: 3, windowMs: 10_000 };
    const first = new PolicyRateLimiter(store, policy, clock);
    const second = new PolicyRateLimiter(store, policy, clock);

    const allowed = [];
    for (const limiter of [first, second, first, second]) {
      allowed.push((await limiter.consume('key_1')).allowed);
    }
    expect(allowed).toEqual([true, true, true, false]);
  });

  it('restarts a window that has ended even when other windows are longer', async () => {
    const clock = clockAt(0);
    const store = new MemoryRateLimitStore({ clock });
    await store.hit('long', 100_000);
    await store.hit('short', 1_000);
    clock.ms = 1_000;
    expect(await store.hit('short', 1_000)).toEqual({ count: 1, msLeft: 1_000 });
    expect(await store.hit('long', 100_000)).toEqual({ count: 2, msLeft: 99_000 });
  });
});
