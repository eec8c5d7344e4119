import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Services } from '../platform/context.js';
import { isId } from '../platform/ids.js';
import { findAppByClientId, type OAuthAppRow } from './apps-store.js';

/** oidc-provider's view of one of our registered apps. */
export function clientMetadata(row: OAuthAppRow, secrets: Services['secrets']): AdapterPayload {
  const grantTypes = JSON.parse(row.grant_types) as string[];
  const confidential = row.client_type === 'confidential' && row.client_secret_encrypted !== null;
  return {
    client_id: row.id,
    client_name: row.name,
    ...(confidential ? { client_secret: secrets.decrypt(row.client_secret_encrypted!) } : {}),
    token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
    application_type: 'web',
    redirect_uris: JSON.parse(row.redirect_uris) as string[],
    grant_types: grantTypes,
    response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
    // Not `scope`: oidc-provider holds that to its own (OpenID) scopes. Our API scopes
    // are checked per request by the resource server policy (see provider.ts).
    api_scopes: (JSON.parse(row.scopes) as string[]).join(' '),
    workspace_id: row.workspace_id,
  };
}

/**
 * The `Client` model's adapter: clients are our `oauth_apps` rows, read on every use, so
 * a deleted or changed app takes effect at once. They are managed through /v1/oauth-apps
 * only (dynamic registration is off), so nothing here writes.
 */
export class AppClientAdapter implements Adapter {
  constructor(private readonly services: Pick<Services, 'db' | 'secrets'>) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (!isId('oauthApp', id)) return undefined;
    const row = await findAppByClientId(this.services.db.kysely, id);
    return row && clientMetadata(row, this.services.secrets);
  }

  async upsert(): Promise<void> {
    throw new Error('OAuth clients are managed through /v1/oauth-apps');
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {}

  async destroy(): Promise<void> {}

  async revokeByGrantId(): Promise<void> {}
}
