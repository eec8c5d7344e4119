import * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import { createUser } from '../../src/accounts/create-user.js';
import type { Role } from '../../src/accounts/roles.js';
import { FetchBrowser } from './fetch-browser.js';
import type { TestDialect } from './harness.js';
import { startLiveServer, type LiveServer } from './live-server.js';
import {
  authorizationUrl,
  consentThrough,
  discover,
  insecure,
  type AuthorizeRequest,
  type StartedAuthorization,
} from './oauth-client.js';

export const REDIRECT_URI = 'https://crm.partner.example/oauth/callback';
export const OWNER = { email: 'owner@example.com', password: 'owner password 123' };

export interface RegisteredApp {
  id: string;
  client: oauth.Client;
  auth: oauth.ClientAuth;
}

/**
 * A live server with an owner account and a registered confidential app, plus the
 * steps of the flows as an independent client (oauth4webapi) and a browser take them.
 */
export class OAuthFixture {
  /** Every secret the flows produced (client secrets, codes, tokens), for log checks. */
  static readonly issued: string[] = [];

  private constructor(
    readonly live: LiveServer,
    readonly as: oauth.AuthorizationServer,
    readonly app: RegisteredApp,
  ) {}

  static async start(dialect: TestDialect): Promise<OAuthFixture> {
    // Flows here sign in often; the sign-in throttle has its own tests.
    const live = await startLiveServer(dialect, { LOGIN_ATTEMPTS_PER_ACCOUNT: '1000' });
    await createUser(live.server.services, {
      ...OWNER,
      workspaceId: live.workspaceId,
      role: 'owner',
    });
    const as = await discover(live.url);
    const app = await registerApp(live, {
      name: 'Partner CRM',
      redirect_uris: [REDIRECT_URI],
      scopes: ['testimonials:read', 'testimonials:write', 'widgets:read'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    return new OAuthFixture(live, as, app);
  }

  get url(): string {
    return this.live.url;
  }

  async close(): Promise<void> {
    await this.live.close();
  }

  api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
    return callApi(this.live, path, token, init);
  }

  registerApp(body: Record<string, unknown>): Promise<RegisteredApp> {
    return registerApp(this.live, body);
  }

  async addMember(email: string, role: Role, workspaceId = this.live.workspaceId) {
    const password = `${role} password 123`;
    await createUser(this.live.server.services, { email, password, workspaceId, role });
    return { email, password };
  }

  private readonly browsers = new Map<string, FetchBrowser>();

  /** One browser per person, which stays signed in after its first flow, as a real one would. */
  private browserOf(email: string): FetchBrowser {
    let browser = this.browsers.get(email);
    if (!browser) {
      browser = new FetchBrowser(this.live.url);
      this.browsers.set(email, browser);
    }
    return browser;
  }

  /** Authorization request, sign-in if needed, and consent; the redirect it ends in. */
  async authorize(
    request: Partial<AuthorizeRequest> = {},
    options: { decision?: 'approve' | 'deny'; user?: { email: string; password: string } } = {},
  ): Promise<{ start: StartedAuthorization; callback: URL; browser: FetchBrowser }> {
    const user = options.user ?? OWNER;
    const browser = this.browserOf(user.email);
    const start = await authorizationUrl(this.as, {
      clientId: this.app.id,
      redirectUri: REDIRECT_URI,
      scope: 'testimonials:read widgets:read',
      ...request,
    });
    const callback = await consentThrough(browser, start.url, options.decision ?? 'approve', user);
    return { start, callback, browser };
  }

  async exchangeCode(
    callback: URL,
    start: StartedAuthorization,
    app: RegisteredApp = this.app,
  ): Promise<oauth.TokenEndpointResponse> {
    const params = oauth.validateAuthResponse(this.as, app.client, callback, start.state);
    const res = await oauth.authorizationCodeGrantRequest(
      this.as,
      app.client,
      app.auth,
      params,
      REDIRECT_URI,
      start.codeVerifier,
      insecure,
    );
    OAuthFixture.issued.push(params.get('code')!);
    return remember(await oauth.processAuthorizationCodeResponse(this.as, app.client, res));
  }

  /** The whole code flow: tokens for the given scope. */
  async tokens(scope = 'testimonials:read widgets:read'): Promise<oauth.TokenEndpointResponse> {
    const { start, callback } = await this.authorize({ scope });
    return this.exchangeCode(callback, start);
  }

  async refresh(refreshToken: string, app: RegisteredApp = this.app, scope?: string) {
    const res = await oauth.refreshTokenGrantRequest(this.as, app.client, app.auth, refreshToken, {
      ...insecure,
      ...(scope ? { additionalParameters: { scope } } : {}),
    });
    return remember(await oauth.processRefreshTokenResponse(this.as, app.client, res));
  }

  async introspect(token: string, app: RegisteredApp = this.app) {
    const res = await oauth.introspectionRequest(this.as, app.client, app.auth, token, insecure);
    return oauth.processIntrospectionResponse(this.as, app.client, res);
  }

  async revoke(token: string, app: RegisteredApp = this.app): Promise<void> {
    const res = await oauth.revocationRequest(this.as, app.client, app.auth, token, insecure);
    await oauth.processRevocationResponse(res);
  }

  /** The HTTP status of a /v1 read with this token. */
  async statusWith(token: string, path = '/v1/testimonials'): Promise<number> {
    return (await this.api(path, token)).status;
  }
}

function remember(tokens: oauth.TokenEndpointResponse): oauth.TokenEndpointResponse {
  OAuthFixture.issued.push(
    tokens.access_token,
    ...(tokens.refresh_token ? [tokens.refresh_token] : []),
  );
  return tokens;
}

function callApi(live: LiveServer, path: string, token: string, init: RequestInit = {}) {
  return fetch(`${live.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
  });
}

async function registerApp(live: LiveServer, body: Record<string, unknown>) {
  const res = await callApi(live, '/v1/oauth-apps', live.apiKey, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  const app = (await res.json()) as { id: string; client_secret: string | null };
  if (app.client_secret) OAuthFixture.issued.push(app.client_secret);
  return {
    id: app.id,
    client: { client_id: app.id },
    auth: app.client_secret ? oauth.ClientSecretBasic(app.client_secret) : oauth.None(),
  };
}
