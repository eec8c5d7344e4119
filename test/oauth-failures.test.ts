import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageKey } from '../src/oauth/adapter.js';
import { hiddenField } from './support/cookie-jar.js';
import { FetchBrowser } from './support/fetch-browser.js';
import { testDialects } from './support/harness.js';
import { authorizationUrl, insecure } from './support/oauth-client.js';
import { OAuthFixture, OWNER, REDIRECT_URI } from './support/oauth-fixture.js';

const dialects = await testDialects();

describe.each(dialects)('OAuth 2 authorization server refuses (%s)', (dialect) => {
  let f: OAuthFixture;
  beforeAll(async () => {
    f = await OAuthFixture.start(dialect);
  });
  afterAll(async () => f?.close());

  async function authorizeWith(redirectUri: string, extra: Record<string, string> = {}) {
    const start = await authorizationUrl(f.as, {
      clientId: f.app.id,
      redirectUri,
      scope: 'testimonials:read',
    });
    for (const [name, value] of Object.entries(extra)) start.url.searchParams.set(name, value);
    return fetch(start.url, { redirect: 'manual' });
  }

  it('C08: every other spelling of the redirect URI, on our own error page and with no redirect', async () => {
    const spellings = [
      'https://crm.partner.example/oauth/callbackX',
      'https://crm.partner.example/oauth/callback/../../logout',
      'https://CRM.PARTNER.EXAMPLE/OAUTH/CALLBACK',
      'https://crm.partner.example.evil.example/oauth/callback',
      'https://crm.partner.example@evil.example/oauth/callback',
      'http://crm.partner.example/oauth/callback',
      'https://crm.partner.example/oauth/callback?next=https://evil.example',
      'https://crm.partner.example/oauth/callback#x',
    ];
    for (const uri of spellings) {
      const res = await authorizeWith(uri);
      const body = await res.text();
      expect([uri, res.status, res.headers.get('location')]).toEqual([uri, 400, null]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(body).toContain('<h1>This link cannot be followed</h1>');
      expect(body).toContain('<code>invalid_redirect_uri</code>');
      expect(body).not.toContain('evil.example');
    }
    // The registered spelling itself goes on to the consent page.
    const ok = await authorizeWith(REDIRECT_URI);
    expect([ok.status, ok.headers.get('location')]).toEqual([
      303,
      expect.stringMatching(/^\/oauth\/consent\//),
    ]);
  });

  it('requires PKCE with S256: a missing or plain challenge goes back as invalid_request, no code', async () => {
    for (const pkce of ['none', 'plain'] as const) {
      const start = await authorizationUrl(f.as, {
        clientId: f.app.id,
        redirectUri: REDIRECT_URI,
        scope: 'testimonials:read',
        pkce,
      });
      const res = await fetch(start.url, { redirect: 'manual' });
      expect(res.status).toBe(303);
      const back = new URL(res.headers.get('location')!);
      expect(back.origin + back.pathname).toBe(REDIRECT_URI);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.has('code')).toBe(false);
    }
  });

  it('answers only in the query: another response_mode is refused on our page', async () => {
    for (const mode of ['form_post', 'fragment']) {
      const res = await authorizeWith(REDIRECT_URI, { response_mode: mode });
      const body = await res.text();
      expect([mode, res.status, res.headers.get('location')]).toEqual([mode, 400, null]);
      expect(body).toContain('<code>unsupported_response_mode</code>');
      expect(body).not.toContain('<script');
    }
  });

  it('refuses a code without its verifier, or with another one', async () => {
    const { start, callback } = await f.authorize();
    await expect(
      f.exchangeCode(callback, { ...start, codeVerifier: oauth.generateRandomCodeVerifier() }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a reused code and revokes the tokens it issued', async () => {
    const { start, callback } = await f.authorize();
    const tokens = await f.exchangeCode(callback, start);
    expect(await f.statusWith(tokens.access_token)).toBe(200);

    await expect(f.exchangeCode(callback, start)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await f.statusWith(tokens.access_token)).toBe(401);
    await expect(f.refresh(tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a code presented by another app', async () => {
    const { start, callback } = await f.authorize();
    const other = await f.registerApp({
      name: 'Thief',
      redirect_uris: [REDIRECT_URI],
      scopes: ['testimonials:read'],
    });
    const params = oauth.validateAuthResponse(f.as, f.app.client, callback, start.state);
    const res = await oauth.authorizationCodeGrantRequest(
      f.as,
      other.client,
      other.auth,
      params,
      REDIRECT_URI,
      start.codeVerifier,
      insecure,
    );
    await expect(
      oauth.processAuthorizationCodeResponse(f.as, other.client, res),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses scope escalation: scopes the app was not registered for, at every grant', async () => {
    for (const scope of [
      'webhooks:write',
      'testimonials:read oauth_apps:write',
      'openid',
      'admin',
    ]) {
      const res = await authorizeWith(REDIRECT_URI, { scope });
      const back = new URL(res.headers.get('location')!);
      expect([scope, back.searchParams.get('error')]).toEqual([scope, 'invalid_scope']);
    }
    const server = await f.registerApp({
      name: 'Server',
      grant_types: ['client_credentials'],
      scopes: ['testimonials:read'],
    });
    const cc = await oauth.clientCredentialsGrantRequest(
      f.as,
      server.client,
      server.auth,
      { scope: 'testimonials:read testimonials:write' },
      insecure,
    );
    await expect(
      oauth.processClientCredentialsResponse(f.as, server.client, cc),
    ).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('narrows tokens to the app’s scopes now and to the consenting member’s role', async () => {
    const viewer = await f.addMember('viewer@example.com', 'viewer');
    const browser = new FetchBrowser(f.url);
    const start = await authorizationUrl(f.as, {
      clientId: f.app.id,
      redirectUri: REDIRECT_URI,
      scope: 'testimonials:read testimonials:write',
    });
    await browser.signIn(viewer.email, viewer.password);
    const page = await browser.follow(await browser.get(start.url.href));
    const html = await page.text();
    expect(html).toContain('As viewer you cannot allow: testimonials:write.');
    expect(html).not.toContain('value="approve"');
    // Posting "approve" anyway is treated as a refusal.
    const action = /<form method="post" action="([^"]+)">/.exec(html)![1]!;
    const answered = await browser.follow(
      await browser.post(action, { _csrf: hiddenField(html, '_csrf'), decision: 'approve' }),
    );
    const back = new URL(answered.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('access_denied');

    const tokens = await f.tokens('testimonials:read testimonials:write');
    const write = { method: 'POST', body: JSON.stringify({ text: 'hi', author_name: 'A' }) };
    expect((await f.api('/v1/testimonials', tokens.access_token, write)).status).toBe(201);
    const narrowed = await f.api(`/v1/oauth-apps/${f.app.id}`, f.live.apiKey, {
      method: 'PATCH',
      body: JSON.stringify({ scopes: ['testimonials:read', 'widgets:read'] }),
    });
    expect(narrowed.status).toBe(200);
    expect((await f.api('/v1/testimonials', tokens.access_token, write)).status).toBe(403);
    expect(await f.statusWith(tokens.access_token)).toBe(200);
    await f.api(`/v1/oauth-apps/${f.app.id}`, f.live.apiKey, {
      method: 'PATCH',
      body: JSON.stringify({ scopes: ['testimonials:read', 'testimonials:write', 'widgets:read'] }),
    });
  });

  it('refuses an expired access token on /v1 and in introspection', async () => {
    const tokens = await f.tokens();
    const { kysely } = f.live.server.services.db;
    const row = await kysely
      .selectFrom('oauth_models')
      .select('payload')
      .where('id', '=', storageKey(tokens.access_token))
      .executeTakeFirstOrThrow();
    const payload = { ...JSON.parse(row.payload), exp: Math.floor(Date.now() / 1000) - 60 };
    await kysely
      .updateTable('oauth_models')
      .set({
        payload: JSON.stringify(payload),
        expires_at: new Date(Date.now() - 60_000).toISOString(),
      })
      .where('id', '=', storageKey(tokens.access_token))
      .execute();

    const res = await f.api('/v1/testimonials', tokens.access_token);
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([
      401,
      'unauthorized',
    ]);
    expect(await f.introspect(tokens.access_token)).toEqual({ active: false });
    expect(await f.statusWith('A'.repeat(43))).toBe(401);
  });

  it('sends a denial back to the app as access_denied', async () => {
    const { callback } = await f.authorize({}, { decision: 'deny' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('refuses a consent post without its token or from another origin', async () => {
    const browser = new FetchBrowser(f.url);
    const start = await authorizationUrl(f.as, {
      clientId: f.app.id,
      redirectUri: REDIRECT_URI,
      scope: 'testimonials:read',
    });
    await browser.signIn(OWNER.email, OWNER.password);
    const page = await browser.follow(await browser.get(start.url.href));
    const html = await page.text();
    const action = /<form method="post" action="([^"]+)">/.exec(html)![1]!;
    const csrf = hiddenField(html, '_csrf');

    const forged = await browser.post(action, { _csrf: 'forged', decision: 'approve' });
    const foreign = await browser.post(
      action,
      { _csrf: csrf, decision: 'approve' },
      { origin: 'https://evil.example' },
    );
    expect([forged.status, foreign.status]).toEqual([403, 403]);
    expect(forged.headers.get('location')).toBeNull();
    const grants = await f.live.server.services.db.kysely
      .selectFrom('oauth_models')
      .select('id')
      .where('model', '=', 'AuthorizationCode')
      .execute();
    const before = grants.length;
    const genuine = await browser.follow(
      await browser.post(action, { _csrf: csrf, decision: 'approve' }),
    );
    expect(new URL(genuine.headers.get('location')!).searchParams.has('code')).toBe(true);
    const after = await f.live.server.services.db.kysely
      .selectFrom('oauth_models')
      .select('id')
      .where('model', '=', 'AuthorizationCode')
      .execute();
    expect(after.length).toBe(before + 1);
  });

  it('asks for consent every time, as whoever is signed in now', async () => {
    const first = await f.authorize();
    const second = await f.authorize({}, { user: await f.addMember('admin@example.com', 'admin') });
    const a = await f.exchangeCode(first.callback, first.start);
    const b = await f.exchangeCode(second.callback, second.start);
    const [ia, ib] = [await f.introspect(a.access_token), await f.introspect(b.access_token)];
    expect(ia.sub).not.toBe(ib.sub);
    expect([ia.sub, ib.sub].every((s) => typeof s === 'string' && s.startsWith('usr_'))).toBe(true);
  });
});
