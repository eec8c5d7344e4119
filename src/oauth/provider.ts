import type { EventEmitter } from 'node:events';
import { Provider, errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { SCOPES } from '../auth/scopes.js';
import { isHttps } from '../accounts/cookies.js';
import { findUser } from '../accounts/users.js';
import type { Services } from '../platform/context.js';
import { KyselyOidcAdapter } from './adapter.js';
import { AppClientAdapter } from './client-adapter.js';
import { OAUTH_PAGE_HEADERS, renderOAuthErrorPage } from './pages.js';
import {
  describeOurScopes,
  dropProviderSession,
  onlyQueryResponseMode,
} from './provider-middleware.js';
import { loadSigningKeys } from './signing-keys.js';

/** Every endpoint of the authorization server lives under /oauth. */
export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  jwks: '/oauth/jwks',
  end_session: '/oauth/session/end',
  userinfo: '/oauth/userinfo',
  registration: '/oauth/register',
  pushed_authorization_request: '/oauth/par',
  device_authorization: '/oauth/device/auth',
  code_verification: '/oauth/device',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
  credential: '/oauth/credential',
};
export const METADATA_PATH = '/.well-known/oauth-authorization-server';
export const CONSENT_PATH = '/oauth/consent';

export const OAUTH_COOKIES = {
  session: 'showtrust_oauth_session',
  interaction: 'showtrust_oauth_interaction',
  resume: 'showtrust_oauth_resume',
};

/** Lifetimes, in seconds. */
export const OAUTH_TTL = {
  AccessToken: 60 * 60,
  ClientCredentials: 60 * 60,
  AuthorizationCode: 60,
  RefreshToken: 30 * 24 * 60 * 60,
  Grant: 365 * 24 * 60 * 60,
  Interaction: 30 * 60,
  Session: 10 * 60,
  IdToken: 60 * 60,
};

/** The one resource server: our API. Tokens carry it as their audience. */
export function apiResource(issuer: string): string {
  return `${issuer}/v1`;
}

const API_SCOPES = new Set<string>(SCOPES);

/**
 * A requested scope the app was not registered for is refused outright (invalid_scope),
 * rather than silently dropped, so an escalation attempt is visible to its author.
 */
function checkRequestedScopes(ctx: KoaContextWithOIDC, allowed: Set<string>): void {
  for (const scope of ctx.oidc.requestParamScopes) {
    if (scope !== 'offline_access' && !allowed.has(scope)) {
      throw new errors.InvalidScope('requested scope is not allowed', scope);
    }
  }
}

/** What the server does beyond the code flow, and how our one API is its resource server. */
function features(resource: string): Configuration['features'] {
  return {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // An app may revoke only its own tokens; for any other the answer is the same 200.
    revocation: {
      enabled: true,
      allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
    },
    // Only the app a token was issued to may introspect it.
    introspection: {
      enabled: true,
      allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
    },
    userinfo: { enabled: false },
    // Off until our API verifies sender-constrained tokens and tests cover pushed requests.
    dPoP: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    rpInitiatedLogout: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, indicator, client) => {
        if (indicator !== resource) throw new errors.InvalidTarget();
        const registered = String(client['api_scopes'] ?? '').split(' ');
        const allowed = new Set(registered.filter((s) => API_SCOPES.has(s)));
        checkRequestedScopes(ctx, allowed);
        return {
          scope: [...allowed].join(' '),
          audience: resource,
          accessTokenFormat: 'opaque',
          accessTokenTTL: OAUTH_TTL.AccessToken,
        };
      },
    },
  };
}

/** oidc-provider's interaction cookies, signed with a key derived from the secret key. */
function cookies(services: Services): Configuration['cookies'] {
  const secure = isHttps(services.config);
  const options = { httpOnly: true, sameSite: 'lax' as const, signed: true, secure };
  return {
    keys: [services.secrets.mac('oauth-cookies', 'v1')],
    names: OAUTH_COOKIES,
    long: options,
    short: options,
  };
}

function configuration(services: Services, issuer: string, jwks: Configuration['jwks']) {
  const resource = apiResource(issuer);
  const config: Configuration = {
    adapter: (name) =>
      name === 'Client' ? new AppClientAdapter(services) : new KyselyOidcAdapter(name, services),
    clients: [],
    // One method per kind of app: client_secret_basic for confidential, none for public.
    clientAuthMethods: ['client_secret_basic', 'none'],
    extraClientMetadata: { properties: ['workspace_id', 'api_scopes'] },
    cookies: cookies(services),
    features: features(resource),
    async findAccount(_ctx, sub) {
      const user = await findUser(services.db.kysely, sub);
      return user && { accountId: user.id, claims: async () => ({ sub: user.id }) };
    },
    interactions: { url: async (_ctx, interaction) => `${CONSENT_PATH}/${interaction.uid}` },
    // Consent is asked on every authorization: only a grant just made on our page counts.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    pkce: { required: () => true },
    responseTypes: ['code'],
    allowOmittingSingleRegisteredRedirectUri: false,
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    // Every token names the workspace of the app it was issued to: the only one it opens.
    extraTokenClaims: async (ctx) => ({ workspace_id: ctx.oidc.client?.['workspace_id'] }),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.set(OAUTH_PAGE_HEADERS);
      ctx.body = renderOAuthErrorPage(out.error, out.error_description);
    },
    routes: OAUTH_ROUTES,
    jwks,
    scopes: ['offline_access'],
    ttl: OAUTH_TTL,
  };
  return config;
}

/** The authorization server for `issuer` (the server's public URL). */
export async function createOAuthProvider(services: Services, issuer: string): Promise<Provider> {
  const keys = await loadSigningKeys(services);
  const provider = new Provider(issuer, configuration(services, issuer, { keys }));
  // The forwarded headers are set from PUBLIC_URL by the mount, never taken from the client.
  provider.proxy = true;
  provider.use(dropProviderSession(OAUTH_COOKIES.session));
  provider.use(onlyQueryResponseMode(OAUTH_ROUTES.authorization));
  provider.use(describeOurScopes(METADATA_PATH));
  // Koa's own error event (an exception outside oidc-provider's handlers), which the
  // typings leave out: logged, rather than Koa's default print to stderr.
  (provider as unknown as EventEmitter).on('error', (error: Error) =>
    services.log.error({ err: error }, 'oauth server error'),
  );
  provider.on('server_error', (_ctx, error) =>
    services.log.error({ err: error }, 'oauth server error'),
  );
  const refused = (event: string) => (_ctx: KoaContextWithOIDC, error: errors.OIDCProviderError) =>
    services.log.info(
      { event, code: error.error, detail: error.error_description },
      'oauth request refused',
    );
  provider.on('authorization.error', refused('authorization.error'));
  provider.on('grant.error', refused('grant.error'));
  provider.on('introspection.error', refused('introspection.error'));
  provider.on('revocation.error', refused('revocation.error'));
  provider.on('grant.revoked', (_ctx, grantId) =>
    services.log.info({ grantId }, 'oauth grant revoked'),
  );
  return provider;
}
