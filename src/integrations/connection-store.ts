import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { ConnectionTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { Connection, ConnectionKind } from './connection-schema.js';

export type ConnectionRow = Selectable<ConnectionTable>;

/** Non-secret settings, stored as JSON in `settings`. */
export interface ConnectionSettings {
  channel?: string;
  base_url?: string;
  url?: string;
  body_template?: unknown;
  /** Names of the HTTP connection's headers; their values are secret. */
  header_names?: string[];
}

/** Secret settings, stored encrypted in `secret_encrypted`. */
export interface ConnectionSecrets {
  webhook_url?: string;
  access_token?: string;
  headers?: Record<string, string>;
}

/** A connection ready to use: its settings and its decrypted secrets. */
export interface LoadedConnection {
  id: string;
  workspaceId: string;
  kind: ConnectionKind;
  name: string;
  settings: ConnectionSettings;
  secrets: ConnectionSecrets;
}

function secretHint(secrets: ConnectionSecrets): string {
  const secret =
    secrets.webhook_url ?? secrets.access_token ?? Object.values(secrets.headers ?? {})[0] ?? '';
  return secret.length > 8 ? `…${secret.slice(-4)}` : '';
}

export function toConnection(row: ConnectionRow, secrets: ConnectionSecrets): Connection {
  return {
    id: row.id,
    object: 'connection',
    kind: row.kind as ConnectionKind,
    name: row.name,
    settings: JSON.parse(row.settings) as ConnectionSettings,
    secret_hint: secretHint(secrets),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function decryptSecrets(secrets: SecretBox, row: ConnectionRow): ConnectionSecrets {
  return JSON.parse(secrets.decrypt(row.secret_encrypted)) as ConnectionSecrets;
}

export function findConnectionRow(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<ConnectionRow | undefined> {
  return executor
    .selectFrom('connections')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function loadConnection(
  executor: Executor,
  secretBox: SecretBox,
  workspaceId: string,
  id: string,
): Promise<LoadedConnection | undefined> {
  const row = await findConnectionRow(executor, workspaceId, id);
  if (!row) return undefined;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind as ConnectionKind,
    name: row.name,
    settings: JSON.parse(row.settings) as ConnectionSettings,
    secrets: decryptSecrets(secretBox, row),
  };
}

export async function listConnectionRows(
  executor: Executor,
  workspaceId: string,
  filter: { limit?: number; starting_after?: string; kind?: string },
): Promise<{ rows: ConnectionRow[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor
    .selectFrom('connections')
    .selectAll()
    .where('workspace_id', '=', workspaceId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.starting_after) {
    const cursor = await findConnectionRow(executor, workspaceId, filter.starting_after);
    if (!cursor)
      throw validationError('starting_after', 'is not the id of a connection in this list');
    query = query.where('id', '<', cursor.id);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { rows: rows.slice(0, limit), has_more: rows.length > limit };
}
