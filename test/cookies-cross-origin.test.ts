import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchBrowser } from './support/fetch-browser.js';
import { testDialects } from './support/harness.js';
import { OAuthFixture, OWNER } from './support/oauth-fixture.js';

const dialects = await testDialects();
const EVIL = 'https://evil.example';

interface Seen {
  request: string;
  status: number;
  allowOrigin: string | null;
  allowCredentials: string | null;
  vary: string | null;
}

/**
 * C25: a page on another origin calls us with the signed-in user's cookies ("credentials:
 * include"). Whatever it calls, no answer may pair that origin with
 * Access-Control-Allow-Credentials: true, which is what would let it read the reply.
 */
describe.each(dialects)('C25: cookies never cross origins (%s)', (dialect) => {
  let f: OAuthFixture;
  let browser: FetchBrowser;
  let widgetId: string;

  beforeAll(async () => {
    f = await OAuthFixture.start(dialect);
    browser = new FetchBrowser(f.url);
    expect((await browser.signIn(OWNER.email, OWNER.password)).status).toBe(303);
    const widgets = await f.api('/v1/widgets', f.live.apiKey);
    widgetId = ((await widgets.json()) as { data: { id: string }[] }).data[0]!.id;
  });
  afterAll(async () => f?.close());

  async function fromEvil(method: string, path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${f.url}${path}`, {
      method,
      redirect: 'manual',
      headers: { origin: EVIL, cookie: browser.jar.header(), ...headers },
      ...(method === 'POST' ? { body: '' } : {}),
    });
    await res.arrayBuffer();
    return {
      request: `${method} ${path}`,
      status: res.status,
      allowOrigin: res.headers.get('access-control-allow-origin'),
      allowCredentials: res.headers.get('access-control-allow-credentials'),
      vary: res.headers.get('vary'),
    } satisfies Seen;
  }

  const preflight = (method: string) => ({
    'access-control-request-method': method,
    'access-control-request-headers': 'content-type',
  });

  it('never pairs a foreign origin with credentials, on /v1, account, OAuth and public routes', async () => {
    const uid = 'x'.repeat(43);
    const seen = [
      await fromEvil('GET', '/v1/testimonials'),
      await fromEvil('OPTIONS', '/v1/testimonials', preflight('GET')),
      await fromEvil('POST', '/v1/oauth-apps', { 'content-type': 'application/json' }),
      await fromEvil('GET', '/account'),
      await fromEvil('GET', '/account/session'),
      await fromEvil('OPTIONS', '/account/session', preflight('GET')),
      await fromEvil('POST', '/account/sign-out', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      await fromEvil('OPTIONS', '/account/sign-out', preflight('POST')),
      await fromEvil('GET', `/oauth/consent/${uid}`),
      await fromEvil('POST', '/oauth/token', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      await fromEvil('OPTIONS', '/oauth/token', preflight('POST')),
      await fromEvil('GET', '/.well-known/oauth-authorization-server'),
      await fromEvil('GET', `/public/v1/widgets/${widgetId}`),
    ];

    for (const s of seen) {
      const credentialed = s.allowCredentials === 'true';
      expect([s.request, credentialed && s.allowOrigin === EVIL]).toEqual([s.request, false]);
      expect([s.request, credentialed && s.allowOrigin === '*']).toEqual([s.request, false]);
      if (s.allowOrigin && s.allowOrigin !== '*') {
        expect([s.request, s.vary?.toLowerCase().includes('origin')]).toEqual([s.request, true]);
      }
    }
    // Account routes answer a foreign origin with no CORS at all, and say they vary by it.
    for (const s of seen.filter((x) => x.request.includes(' /account'))) {
      expect([s.request, s.allowOrigin, s.allowCredentials]).toEqual([s.request, null, null]);
    }
    for (const s of seen.filter((x) => x.request.startsWith('GET /account'))) {
      expect([s.request, s.vary]).toEqual([s.request, 'Origin']);
    }
    // /v1 reads no cookie: the signed-in browser is just anonymous there.
    expect(seen[0]!.status).toBe(401);
    // The public feed answers everyone, without credentials.
    expect([seen.at(-1)!.status, seen.at(-1)!.allowOrigin]).toEqual([200, '*']);
    // The forged sign-out was refused and the session still works.
    expect(seen[6]!.status).toBe(403);
    expect((await browser.get('/account')).status).toBe(200);
  });

  it('answers our own origin on cookie routes with credentials, and Vary: Origin', async () => {
    const res = await browser.get('/account/session', { origin: f.url });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(f.url);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toBe('Origin');
  });
});
