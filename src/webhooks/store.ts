import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { WebhookEndpointTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { DisabledReason } from './endpoint-health.js';
import type { EndpointKind, ListWebhookEndpointsFilter, WebhookEndpoint } from './schema.js';

export type EndpointRow = Selectable<WebhookEndpointTable>;

export function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    kind: row.kind as EndpointKind,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as string[],
    enabled: row.enabled === 1,
    disabled_reason:
      row.enabled === 1 ? null : ((row.disabled_reason ?? 'manual') as DisabledReason),
    rate_limit_per_second: row.rate_limit_per_second,
    previous_secret_expires_at: row.previous_secret_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function insertEndpoint(
  executor: Executor,
  row: Insertable<WebhookEndpointTable>,
): Promise<void> {
  await executor.insertInto('webhook_endpoints').values(row).execute();
}

export async function findEndpointRow(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<EndpointRow | undefined> {
  return executor
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function updateEndpointRow(
  executor: Executor,
  id: string,
  changes: Updateable<WebhookEndpointTable>,
): Promise<void> {
  await executor.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute();
}

export async function deleteEndpointRow(executor: Executor, id: string): Promise<void> {
  await executor.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

export async function enabledEndpointRows(
  executor: Executor,
  workspaceId: string,
): Promise<EndpointRow[]> {
  return executor
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
}

/** Newest first by id (ids sort by creation time); the page starts strictly below the cursor. */
export async function listEndpoints(
  executor: Executor,
  workspaceId: string,
  filter: ListWebhookEndpointsFilter,
): Promise<{ data: WebhookEndpoint[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId);

  if (filter.starting_after) {
    const cursor = await findEndpointRow(executor, workspaceId, filter.starting_after);
    if (!cursor)
      throw validationError('starting_after', 'is not the id of an endpoint in this list');
    query = query.where('id', '<', cursor.id);
  }

  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toEndpoint), has_more: rows.length > limit };
}
