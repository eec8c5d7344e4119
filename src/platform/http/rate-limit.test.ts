import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  ManualClock,
  testDialects,
  type TestContext,
} from '../../../test/support/harness.js';
import { ipPartition, rateLimitField, rateLimitPolicyField } from './rate-limit.js';

const dialects = await testDialects();
const ORIGIN = 'https://app.partner.example';

describe('RateLimit header fields (draft-ietf-httpapi-ratelimit-headers-11)', () => {
  it('writes the policy and the service limit as structured-field lists', () => {
    const policy = { name: 'api', limit: 600, windowMs: 60_000 };
    expect(rateLimitPolicyField(policy)).toBe('"api";q=600;w=60');
    const decision = {
      allowed: true,
      limit: 600,
      remaining: 598,
      resetAtMs: 41_200,
      retryAfterSeconds: 42,
    };
    expect(rateLimitField(policy, decision, 0)).toBe('"api";r=598;t=42');
    expect(rateLimitField(policy, decision, 50_000)).toBe('"api";r=598;t=0');
  });

  it('partitions IPv6 by /64 and IPv4-mapped addresses as IPv4', () => {
    expect(ipPartition('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64');
    expect(ipPartition('2001:db8:aa:bb:ffff::9')).toBe('2001:db8:aa:bb::/64');
    expect(ipPartition('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(ipPartition('not an ip')).toBe('not an ip');
  });
});

describe.each(dialects)('rate limits per credential and per IP (%s)', (dialect) => {
  const clock = new ManualClock(Date.parse('2026-03-01T09:00:00.000Z'));
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, {
      clock,
      env: { RATE_LIMIT_API_PER_MINUTE: '60', RATE_LIMIT_PUBLIC_PER_MINUTE: '3' },
    });
  });
  afterAll(async () => t.close());

  const list = (key = t.apiKey) =>
    t.app.inject({ url: '/v1/testimonials', headers: { ...t.auth(key), origin: ORIGIN } });

  it('C06: request 61 in ten seconds is a 429 whose Retry-After is the real reset, then it passes', async () => {
    const windowOpensMs = clock.nowMs();
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await list();
      statuses.push(res.statusCode);
      remaining.push(String(res.headers.ratelimit));
      clock.advance(160); // 60 requests over 9.6 s
    }
    expect(statuses).toEqual(Array(60).fill(200));
    expect(remaining[0]).toBe('"api";r=59;t=60');
    expect(remaining[59]).toMatch(/^"api";r=0;t=\d+$/);

    clock.set(new Date(windowOpensMs + 9_900).toISOString());
    const refused = await list();
    expect(refused.statusCode).toBe(429);
    const resetInSeconds = (windowOpensMs + 60_000 - clock.nowMs()) / 1000; // 50.1
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBe(51);
    expect(Math.abs(retryAfter - resetInSeconds)).toBeLessThanOrEqual(1);
    expect(refused.headers['ratelimit-policy']).toBe('"api";q=60;w=60');
    expect(refused.headers.ratelimit).toBe('"api";r=0;t=51');
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(refused.json().detail).toContain('retry in 51 s');

    // Browsers may read all three: they are exposed to any origin.
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(refused.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining(['retry-after', 'ratelimit', 'ratelimit-policy']),
    );

    // Another credential has its own budget.
    const other = await t.createWorkspace();
    expect((await list(other.apiKey)).statusCode).toBe(200);

    clock.advance(retryAfter * 1000);
    const later = await list();
    expect(later.statusCode).toBe(200);
    expect(later.headers.ratelimit).toBe('"api";r=59;t=60');
  });

  it('does not count requests that fail authentication against a key', async () => {
    clock.advance(120_000);
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ url: '/v1/testimonials' });
      expect(res.statusCode).toBe(401);
      expect(res.headers.ratelimit).toBeUndefined();
    }
  });

  it('limits the public widget feed per IP (IPv6 per /64), with a 429 problem any page can read', async () => {
    clock.advance(120_000);
    const feed = (remoteAddress: string) =>
      t.app.inject({
        url: `/public/v1/widgets/${t.widgetId}`,
        remoteAddress,
        headers: { origin: 'https://customer.example' },
      });
    for (let i = 0; i < 3; i++) expect((await feed('2001:db8:5:6::1')).statusCode).toBe(200);
    const first = await feed('2001:db8:5:6::1');
    expect(first.statusCode).toBe(429);
    expect(first.headers['ratelimit-policy']).toBe('"public";q=3;w=60');
    expect(first.headers['retry-after']).toBe('60');
    expect(first.json().code).toBe('rate_limited');
    expect(first.headers['access-control-allow-origin']).toBe('*');
    expect(first.headers['access-control-allow-credentials']).toBeUndefined();

    expect((await feed('2001:db8:5:6:ffff::2')).statusCode).toBe(429);
    expect((await feed('2001:db8:5:7::1')).statusCode).toBe(200);
    expect((await feed('198.51.100.20')).statusCode).toBe(200);

    clock.advance(60_000);
    expect((await feed('2001:db8:5:6::1')).statusCode).toBe(200);
  });

  it('counts a HEAD of the feed like its GET, and limits no route outside /public by address', async () => {
    clock.advance(120_000);
    const remoteAddress = '198.51.100.77';
    const url = `/public/v1/widgets/${t.widgetId}`;
    const head = await t.app.inject({ method: 'HEAD', url, remoteAddress });
    expect(head.statusCode).toBe(200);
    expect(head.headers.ratelimit).toBe('"public";r=2;t=60');
    const get = await t.app.inject({ url, remoteAddress });
    expect(get.headers.ratelimit).toBe('"public";r=1;t=60');

    const health = await t.app.inject({ url: '/healthz', remoteAddress });
    expect(health.statusCode).toBe(200);
    expect(health.headers.ratelimit).toBeUndefined();
  });

  it('answers a feed preflight without counting it', async () => {
    clock.advance(120_000);
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'OPTIONS',
        url: `/public/v1/widgets/${t.widgetId}`,
        remoteAddress: '198.51.100.99',
        headers: { origin: 'https://customer.example', 'access-control-request-method': 'GET' },
      });
      expect(res.statusCode).toBe(204);
    }
    const res = await t.app.inject({
      url: `/public/v1/widgets/${t.widgetId}`,
      remoteAddress: '198.51.100.99',
    });
    expect(res.headers.ratelimit).toBe('"public";r=2;t=60');
  });
});
