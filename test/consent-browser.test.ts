import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { authorizationUrl, insecure } from './support/oauth-client.js';
import { OAuthFixture, OWNER } from './support/oauth-fixture.js';

const runs = chromiumAvailable('the OAuth consent browser test');

/**
 * The consent page in a real browser: its CSP must let the Allow button's post end in the
 * redirect to the app (form-action governs redirects too), run no script, and block nothing
 * the page itself needs. SQLite only: the flow's storage is covered on both dialects by
 * the fetch-driven tests.
 */
describe.runIf(runs)('OAuth consent in Chromium (sqlite)', () => {
  let f: OAuthFixture;
  let browser: Browser;
  let app: Awaited<ReturnType<OAuthFixture['registerApp']>>;
  let receiver: http.Server;
  let callbackUrl: string;
  const arrived: URL[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      arrived.push(new URL(req.url!, callbackUrl));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('the app got it');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`;
    f = await OAuthFixture.start('sqlite');
    app = await f.registerApp({
      name: 'Loopback app',
      redirect_uris: [callbackUrl],
      scopes: ['testimonials:read'],
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await f?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('signs in, shows the scopes, and Allow lands on the app with a code that works', async () => {
    const page = await browser.newPage();
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (/Refused|Content Security Policy/i.test(message.text())) refusals.push(message.text());
    });

    const start = await authorizationUrl(f.as, {
      clientId: app.id,
      redirectUri: callbackUrl,
      scope: 'testimonials:read',
    });
    await page.goto(start.url.href);
    expect(new URL(page.url()).pathname).toBe('/account/sign-in');
    await page.fill('#email', OWNER.email);
    await page.fill('#password', OWNER.password);
    const consent = await Promise.all([
      page.waitForResponse(
        (r) => r.url().includes('/oauth/consent/') && r.request().method() === 'GET',
      ),
      page.click('button[type=submit]'),
    ]).then(([response]) => response);
    expect(consent.headers()['content-security-policy']).toContain(
      `form-action 'self' http://127.0.0.1:`,
    );
    expect(await page.locator('h1').textContent()).toBe('Allow Loopback app?');
    expect(await page.locator('.scopes li').allTextContents()).toEqual([
      'Read testimonials testimonials:read',
    ]);
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);

    await Promise.all([page.waitForURL(/\/callback\?/), page.click('button[value=approve]')]);
    expect(await page.textContent('body')).toBe('the app got it');
    expect(refusals).toEqual([]);

    const callback = arrived.filter((u) => u.pathname === '/callback').at(-1)!;
    const params = oauth.validateAuthResponse(f.as, app.client, callback, start.state);
    const res = await oauth.authorizationCodeGrantRequest(
      f.as,
      app.client,
      app.auth,
      params,
      callbackUrl,
      start.codeVerifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(f.as, app.client, res);
    expect(await f.statusWith(tokens.access_token)).toBe(200);
    await page.close();
  });
});
