import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { ApiKeyTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { ApiKey, ListApiKeysFilter } from './api-keys-schema.js';

/** What anyone may see of a key: never its hash, only its prefix and last four. */
export function toApiKey(row: Selectable<ApiKeyTable>): ApiKey {
  return {
    id: row.id,
    object: 'api_key',
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    prefix: row.prefix,
    last_four: row.last_four,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
  };
}

export async function findApiKey(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<ApiKey | undefined> {
  const row = await executor
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toApiKey(row);
}

/** Newest first by id (key ids are minted from their creation time), revoked ones included. */
export async function listApiKeys(
  executor: Executor,
  workspaceId: string,
  filter: ListApiKeysFilter,
): Promise<{ data: ApiKey[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.starting_after) {
    const cursor = await findApiKey(executor, workspaceId, filter.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of a key in this list');
    query = query.where('id', '<', cursor.id);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toApiKey), has_more: rows.length > limit };
}

/** Sets revoked_at once; a second revoke keeps the first time. True when this call revoked it. */
export async function markRevoked(
  executor: Executor,
  workspaceId: string,
  id: string,
  now: string,
): Promise<boolean> {
  const result = await executor
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
