import { randomBytes } from 'node:crypto';
import type { Services } from '../platform/context.js';
import { notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import type {
  ClientType,
  CreateOAuthAppInput,
  CreatedOAuthApp,
  GrantType,
  OAuthApp,
  UpdateOAuthAppInput,
} from './apps-schema.js';
import { findAppRow, toOAuthApp } from './apps-store.js';
import { redirectUriProblem } from './redirect-uris.js';

export const CLIENT_SECRET_PREFIX = 'stcs_';

/** `stcs_` + 256 random bits, base64url. */
export function generateClientSecret(): string {
  return `${CLIENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

function checkRedirectUris(uris: string[], grantTypes: GrantType[]): void {
  uris.forEach((uri, index) => {
    const problem = redirectUriProblem(uri);
    if (problem) throw validationError(`/redirect_uris/${index}`, problem);
  });
  const usesCode = grantTypes.includes('authorization_code');
  if (usesCode && uris.length === 0) {
    throw validationError('/redirect_uris', 'needs at least one URI for authorization_code');
  }
  if (!usesCode && uris.length > 0) {
    throw validationError('/redirect_uris', 'is only for apps with the authorization_code grant');
  }
}

function checkGrantTypes(grantTypes: GrantType[], clientType: ClientType): void {
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) {
    throw validationError('/grant_types', 'refresh_token comes only with authorization_code');
  }
  if (clientType === 'public' && grantTypes.includes('client_credentials')) {
    throw validationError('/grant_types', 'client_credentials needs a confidential app');
  }
}

/**
 * Registers an app of the workspace. A confidential app's secret is returned once and
 * kept encrypted, not hashed: oidc-provider compares the presented secret with the
 * stored one itself, so it must be able to read it.
 */
export async function createApp(
  services: Services,
  workspaceId: string,
  input: CreateOAuthAppInput,
): Promise<CreatedOAuthApp> {
  const clientType = input.client_type ?? 'confidential';
  const grantTypes = input.grant_types ?? ['authorization_code', 'refresh_token'];
  const redirectUris = input.redirect_uris ?? [];
  checkGrantTypes(grantTypes, clientType);
  checkRedirectUris(redirectUris, grantTypes);

  const secret = clientType === 'confidential' ? generateClientSecret() : null;
  const now = isoNow(services.clock);
  const row = {
    id: newId('oauthApp', services.clock.nowMs()),
    workspace_id: workspaceId,
    name: input.name,
    client_type: clientType,
    client_secret_encrypted: secret === null ? null : services.secrets.encrypt(secret),
    redirect_uris: JSON.stringify(redirectUris),
    grant_types: JSON.stringify(grantTypes),
    scopes: JSON.stringify(input.scopes),
    created_at: now,
    updated_at: now,
  };
  await services.db.kysely.insertInto('oauth_apps').values(row).execute();
  return { ...toOAuthApp(row), client_secret: secret };
}

export async function getApp(services: Services, workspaceId: string, id: string) {
  const row = await findAppRow(services.db.kysely, workspaceId, id);
  if (!row) throw notFound('OAuth app');
  return toOAuthApp(row);
}

/** Narrowed scopes apply to tokens already issued too: every use re-checks the app. */
export async function updateApp(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateOAuthAppInput,
): Promise<OAuthApp> {
  const current = await getApp(services, workspaceId, id);
  const redirectUris = input.redirect_uris ?? current.redirect_uris;
  checkRedirectUris(redirectUris, current.grant_types as GrantType[]);
  await services.db.kysely
    .updateTable('oauth_apps')
    .set({
      name: input.name ?? current.name,
      redirect_uris: JSON.stringify(redirectUris),
      scopes: JSON.stringify(input.scopes ?? current.scopes),
      updated_at: isoNow(services.clock),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
  return getApp(services, workspaceId, id);
}

/** Deleting an app ends every grant, code and token it holds, in the same transaction. */
export async function deleteApp(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<OAuthApp> {
  const app = await getApp(services, workspaceId, id);
  await services.transaction(async (trx) => {
    await trx.deleteFrom('oauth_models').where('client_id', '=', id).execute();
    await trx
      .deleteFrom('oauth_apps')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
  });
  return app;
}
