import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/harness.js';
import { EXPOSED_HEADERS } from './cors.js';

const ORIGIN = 'https://customer.example';

/** The CORS-related headers of an answer, absent ones left out. */
function corsHeaders(headers: Record<string, unknown>) {
  const names = [
    'vary',
    'access-control-allow-origin',
    'access-control-allow-credentials',
    'access-control-expose-headers',
    'access-control-allow-methods',
    'access-control-allow-headers',
    'access-control-max-age',
  ];
  return Object.fromEntries(
    names.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]]),
  );
}

describe('CORS (sqlite)', () => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext('sqlite');
  });
  afterAll(async () => t.close());

  const preflight = (url: string, requestHeaders?: string) =>
    t.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        ...(requestHeaders ? { 'access-control-request-headers': requestHeaders } : {}),
      },
    });

  it('answers a preflight on /v1 and /public with 204 and the full set, before any key is asked for', async () => {
    for (const url of ['/v1/testimonials', `/public/v1/widgets/${t.widgetId}`]) {
      const res = await preflight(url, 'authorization, if-none-match');
      expect([url, res.statusCode, res.body]).toEqual([url, 204, '']);
      expect(res.headers['content-length']).toBe('0');
      expect(corsHeaders(res.headers)).toEqual({
        vary: 'Origin, Access-Control-Request-Headers',
        'access-control-allow-origin': '*',
        'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
        'access-control-allow-methods': 'GET, HEAD, POST, PATCH, DELETE',
        'access-control-allow-headers': 'authorization, if-none-match',
        'access-control-max-age': '600',
      });
    }
    const bare = await preflight('/v1/testimonials');
    expect(bare.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('opens /public and /v1 answers to any origin, without credentials, errors included', async () => {
    for (const url of [`/public/v1/widgets/${t.widgetId}`, '/v1/testimonials', '/public/nope']) {
      const res = await t.app.inject({ url, headers: { origin: ORIGIN } });
      expect([url, corsHeaders(res.headers)]).toEqual([
        url,
        {
          vary: 'Origin',
          'access-control-allow-origin': '*',
          'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
        },
      ]);
    }
  });

  it('gives every other path no CORS at all: a preflight there is a 404', async () => {
    for (const url of ['/healthz', '/account/sign-in', `/w/${t.widgetId}`]) {
      const res = await preflight(url);
      expect([url, res.statusCode, corsHeaders(res.headers)]).toEqual([
        url,
        404,
        { vary: 'Origin' },
      ]);
      const get = await t.app.inject({ url, headers: { origin: ORIGIN } });
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
