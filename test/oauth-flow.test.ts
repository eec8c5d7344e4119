import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/accounts/create-user.js';
import { FetchBrowser } from './support/fetch-browser.js';
import { testDialects } from './support/harness.js';
import { startLiveServer, type LiveServer } from './support/live-server.js';
import {
  authorizationUrl,
  consentThrough,
  discover,
  insecure,
  type AuthorizeRequest,
} from './support/oauth-client.js';

const dialects = await testDialects();
const REDIRECT_URI = 'https://crm.partner.example/oauth/callback';
const OWNER = { email: 'owner@example.com', password: 'owner password 123' };

describe.each(dialects)('OAuth 2 authorization server, end to end (%s)', (dialect) => {
  let live: LiveServer;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  let clientAuth: oauth.ClientAuth;

  async function api(path: string, token: string, init: RequestInit = {}) {
    return fetch(`${live.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  }

  async function registerApp(body: Record<string, unknown>) {
    const res = await api('/v1/oauth-apps', live.apiKey, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; client_secret: string | null };
  }

  beforeAll(async () => {
    live = await startLiveServer(dialect);
    await createUser(live.server.services, {
      ...OWNER,
      workspaceId: live.workspaceId,
      role: 'owner',
    });
    const app = await registerApp({
      name: 'Partner CRM',
      redirect_uris: [REDIRECT_URI],
      scopes: ['testimonials:read', 'testimonials:write', 'widgets:read'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    client = { client_id: app.id };
    clientAuth = oauth.ClientSecretBasic(app.client_secret!);
    as = await discover(live.url);
  });
  afterAll(async () => live?.close());

  async function codeFlow(request: Partial<AuthorizeRequest> = {}) {
    const browser = new FetchBrowser(live.url);
    const start = await authorizationUrl(as, {
      clientId: client.client_id,
      redirectUri: REDIRECT_URI,
      scope: 'testimonials:read widgets:read',
      ...request,
    });
    const callback = await consentThrough(browser, start.url, 'approve', OWNER);
    return { browser, start, callback };
  }

  async function exchange(callback: URL, state: string, codeVerifier: string) {
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const res = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      REDIRECT_URI,
      codeVerifier,
      insecure,
    );
    return oauth.processAuthorizationCodeResponse(as, client, res);
  }

  it('publishes RFC 8414 metadata: code with S256 only, no implicit or password grant', async () => {
    expect(as.issuer).toBe(live.url);
    expect(as.authorization_endpoint).toBe(`${live.url}/oauth/authorize`);
    expect(as.token_endpoint).toBe(`${live.url}/oauth/token`);
    expect(as.revocation_endpoint).toBe(`${live.url}/oauth/revoke`);
    expect(as.introspection_endpoint).toBe(`${live.url}/oauth/introspect`);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.response_types_supported).toEqual(['code']);
    expect([...as.grant_types_supported!].sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
  });

  it('runs the code flow with PKCE through our consent page; the token works on /v1 like a key', async () => {
    const { start, callback } = await codeFlow();
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    const tokens = await exchange(callback, start.state, start.codeVerifier);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('testimonials:read widgets:read');
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const list = await api('/v1/testimonials', tokens.access_token);
    expect(list.status).toBe(200);
    const write = await api('/v1/testimonials', tokens.access_token, {
      method: 'POST',
      body: JSON.stringify({ text: 'hi', author_name: 'A' }),
    });
    expect([write.status, ((await write.json()) as { code: string }).code]).toEqual([
      403,
      'forbidden',
    ]);
  });
});
