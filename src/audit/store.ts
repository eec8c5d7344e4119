import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { AuditLogTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { AuditEntry, ListAuditFilter } from './schema.js';

export type AuditRow = Selectable<AuditLogTable>;

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    object: 'audit_entry',
    action: row.action,
    actor: { type: row.actor_type, id: row.actor_id },
    target: row.target_type ? { type: row.target_type, id: row.target_id } : null,
    request_id: row.request_id,
    ip: row.ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
    created_at: row.created_at,
  };
}

export async function insertAuditRow(executor: Executor, row: AuditRow): Promise<void> {
  await executor.insertInto('audit_log').values(row).execute();
}

/** Newest first by id (ids are minted from their time), filtered by action and actor. */
export async function listAuditEntries(
  executor: Executor,
  workspaceId: string,
  filter: ListAuditFilter,
): Promise<{ data: AuditEntry[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);

  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actor) query = query.where('actor_id', '=', filter.actor);
  if (filter.starting_after) {
    const cursor = await executor
      .selectFrom('audit_log')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', filter.starting_after)
      .executeTakeFirst();
    if (!cursor) throw validationError('starting_after', 'is not the id of an entry in this log');
    query = query.where('id', '<', cursor.id);
  }

  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toAuditEntry), has_more: rows.length > limit };
}
