import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { WidgetTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import { DEFAULT_WIDGET_SETTINGS } from './defaults.js';
import type { ListWidgetsFilter, Widget, WidgetKind, WidgetSettings } from './schema.js';

export type WidgetRow = Selectable<WidgetTable>;

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML a site owner pastes: the loader script and one placeholder for this widget. */
export function embedSnippet(publicUrl: string, widgetId: string): string {
  const src = escapeAttribute(`${publicUrl}/embed.js`);
  return (
    `<script src="${src}" async></script>\n` +
    `<div data-showtrust-widget="${escapeAttribute(widgetId)}"></div>`
  );
}

/** Stored settings over the defaults, so rows written before a setting existed still read whole. */
export function parseSettings(stored: string): WidgetSettings {
  return { ...DEFAULT_WIDGET_SETTINGS, ...(JSON.parse(stored) as Partial<WidgetSettings>) };
}

export function toWidget(row: WidgetRow, publicUrl: string): Widget {
  return {
    id: row.id,
    object: 'widget',
    name: row.name,
    kind: row.kind as WidgetKind,
    settings: parseSettings(row.settings),
    embed: { script: embedSnippet(publicUrl, row.id) },
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function findWidgetRow(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<WidgetRow | undefined> {
  return executor
    .selectFrom('widgets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Keyset pagination by (created_at, id) descending, like testimonials: ties are kept apart by id. */
export async function listWidgetRows(
  executor: Executor,
  workspaceId: string,
  filter: ListWidgetsFilter,
): Promise<{ rows: WidgetRow[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor.selectFrom('widgets').selectAll().where('workspace_id', '=', workspaceId);

  if (filter.starting_after) {
    const cursor = await findWidgetRow(executor, workspaceId, filter.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of a widget in this list');
    const { id, created_at } = cursor;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', created_at),
        eb.and([eb('created_at', '=', created_at), eb('id', '<', id)]),
      ]),
    );
  }

  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { rows: rows.slice(0, limit), has_more: rows.length > limit };
}

/** The oldest widget of a workspace: the one bootstrap created, shown on /demo. */
export async function firstWidgetRow(
  executor: Executor,
  workspaceId: string,
): Promise<WidgetRow | undefined> {
  return executor
    .selectFrom('widgets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}
