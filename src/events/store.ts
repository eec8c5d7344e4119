import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { EventTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { Event, ListEventsFilter } from './schema.js';

function toEvent(row: Selectable<EventTable>): Event {
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    created_at: row.created_at,
  };
}

export async function findEvent(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<Event | undefined> {
  const row = await executor
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toEvent(row);
}

/** Newest first by id: event ids are minted from their creation time, so they sort by it. */
export async function listEvents(
  executor: Executor,
  workspaceId: string,
  filter: ListEventsFilter,
): Promise<{ data: Event[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor.selectFrom('events').selectAll().where('workspace_id', '=', workspaceId);

  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.starting_after) {
    const cursor = await findEvent(executor, workspaceId, filter.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of an event in this list');
    query = query.where('id', '<', cursor.id);
  }

  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toEvent), has_more: rows.length > limit };
}
