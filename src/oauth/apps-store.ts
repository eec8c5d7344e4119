import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { OAuthAppTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { ClientType, GrantType, ListOAuthAppsQuery, OAuthApp } from './apps-schema.js';

export type OAuthAppRow = Selectable<OAuthAppTable>;

export function toOAuthApp(row: OAuthAppRow): OAuthApp {
  return {
    id: row.id,
    object: 'oauth_app',
    name: row.name,
    client_id: row.id,
    client_type: row.client_type as ClientType,
    redirect_uris: JSON.parse(row.redirect_uris) as string[],
    grant_types: JSON.parse(row.grant_types) as GrantType[],
    scopes: JSON.parse(row.scopes) as string[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function findAppRow(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<OAuthAppRow | undefined> {
  return executor
    .selectFrom('oauth_apps')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The app behind a client_id, whichever workspace registered it (the OAuth endpoints' view). */
export async function findAppByClientId(
  executor: Executor,
  clientId: string,
): Promise<OAuthAppRow | undefined> {
  return executor
    .selectFrom('oauth_apps')
    .selectAll()
    .where('id', '=', clientId)
    .executeTakeFirst();
}

/** Newest first; ids break ties between apps created in the same millisecond. */
export async function listAppRows(
  executor: Executor,
  workspaceId: string,
  query: ListOAuthAppsQuery,
): Promise<{ rows: OAuthAppRow[]; has_more: boolean }> {
  const limit = query.limit ?? 20;
  let select = executor
    .selectFrom('oauth_apps')
    .selectAll()
    .where('workspace_id', '=', workspaceId);
  if (query.starting_after) {
    const cursor = await findAppRow(executor, workspaceId, query.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of an app in this list');
    const { id, created_at } = cursor;
    select = select.where((eb) =>
      eb.or([
        eb('created_at', '<', created_at),
        eb.and([eb('created_at', '=', created_at), eb('id', '<', id)]),
      ]),
    );
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { rows: rows.slice(0, limit), has_more: rows.length > limit };
}
