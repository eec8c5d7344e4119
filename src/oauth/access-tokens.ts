import { scopesForRole } from '../accounts/roles.js';
import { findMembership } from '../accounts/users.js';
import type { Principal } from '../auth/api-keys.js';
import type { Services } from '../platform/context.js';
import { storageKey } from './adapter.js';
import { findAppByClientId } from './apps-store.js';

/** A caller authenticated by an OAuth access token: an app, acting for a user or for itself. */
export interface OAuthPrincipal extends Principal {
  appId: string;
  /** The user who consented; null for a client-credentials token (the app itself). */
  userId: string | null;
}

export function isOAuthPrincipal(principal: Principal): principal is OAuthPrincipal {
  return 'appId' in principal;
}

/** oidc-provider's opaque tokens: 43 base64url characters (256 bits). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

interface TokenPayload {
  exp?: number;
  clientId?: string;
  accountId?: string;
  scope?: string;
  extra?: { workspace_id?: unknown };
}

/**
 * Looks up an access token the authorization server issued and says what it may do now:
 * the scopes it was granted, narrowed to what its app is still registered for and, for a
 * user's token, to what that user's role in the workspace still allows. A token of a
 * deleted app, a removed member or another workspace opens nothing.
 */
export async function authenticateAccessToken(
  services: Pick<Services, 'db'>,
  token: string,
): Promise<OAuthPrincipal | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await services.db.kysely
    .selectFrom('oauth_models')
    .select(['payload'])
    .where('model', 'in', ['AccessToken', 'ClientCredentials'])
    .where('id', '=', storageKey(token))
    .executeTakeFirst();
  if (!row) return undefined;

  const payload = JSON.parse(row.payload) as TokenPayload;
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) return undefined;
  const app = payload.clientId && (await findAppByClientId(services.db.kysely, payload.clientId));
  if (!app || payload.extra?.workspace_id !== app.workspace_id) return undefined;

  const registered = new Set(JSON.parse(app.scopes) as string[]);
  let scopes = (payload.scope ?? '').split(' ').filter((s) => registered.has(s));
  if (payload.accountId) {
    const role = await findMembership(services.db.kysely, app.workspace_id, payload.accountId);
    if (!role) return undefined;
    const allowed = new Set<string>(scopesForRole(role));
    scopes = scopes.filter((s) => allowed.has(s));
  }
  return {
    workspaceId: app.workspace_id,
    keyId: app.id,
    scopes,
    appId: app.id,
    userId: payload.accountId ?? null,
  };
}
