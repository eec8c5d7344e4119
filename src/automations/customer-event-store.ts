import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { CustomerEventTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { CustomerEvent, ListCustomerEventsFilter } from './customer-event-schema.js';

export type CustomerEventRow = Selectable<CustomerEventTable>;

export function toCustomerEvent(row: CustomerEventRow): CustomerEvent {
  return {
    id: row.id,
    object: 'customer_event',
    external_id: row.external_id,
    type: row.type,
    occurred_at: row.occurred_at,
    contact_id: row.contact_id,
    properties: JSON.parse(row.properties) as Record<string, unknown>,
    received_at: row.received_at,
  };
}

export function findCustomerEventRow(
  executor: Executor,
  workspaceId: string,
  column: 'id' | 'external_id',
  value: string,
): Promise<CustomerEventRow | undefined> {
  return executor
    .selectFrom('customer_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where(column, '=', value)
    .executeTakeFirst();
}

/** Inserts unless the caller's id is already stored; true when this call stored it. */
export async function insertCustomerEventOnce(
  executor: Executor,
  row: CustomerEventRow,
): Promise<boolean> {
  const result = await executor
    .insertInto('customer_events')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'external_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function listCustomerEvents(
  executor: Executor,
  workspaceId: string,
  filter: ListCustomerEventsFilter,
): Promise<{ data: CustomerEvent[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor
    .selectFrom('customer_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.contact_id) query = query.where('contact_id', '=', filter.contact_id);
  if (filter.starting_after) {
    const cursor = await findCustomerEventRow(executor, workspaceId, 'id', filter.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of an event in this list');
    query = query.where('id', '<', cursor.id);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toCustomerEvent), has_more: rows.length > limit };
}
