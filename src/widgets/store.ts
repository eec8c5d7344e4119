import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { WidgetTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import { DEFAULT_WIDGET_SETTINGS } from './defaults.js';
import type { ListWidgetsFilter, Widget, WidgetKind, WidgetSettings } from './schema.js';
import { escapeHtml } from './view/to-html.js';
import { placeholderHtml, RESERVE_PX } from './view/reserve.js';

export type WidgetRow = Selectable<WidgetTable>;

/** The slug of its wall page: its own, or its id for rows from before slugs (bootstrap's). */
export function publicSlug(row: Pick<WidgetRow, 'id' | 'slug'>): string {
  return row.slug ?? row.id;
}

export interface EmbedUrls {
  script: string;
  iframe: string;
  html_url: string;
  wall_url: string;
}

/**
 * The HTML a site owner pastes. The script embed names its layout so the loader can
 * reserve the right height and fetch that layout's code before the feed arrives; the
 * iframe resizes itself when the same script is on the page.
 */
export function embedCodes(publicUrl: string, widget: Pick<WidgetRow, 'id' | 'slug' | 'kind'>) {
  const id = escapeHtml(widget.id);
  const script = `<script src="${escapeHtml(`${publicUrl}/embed.js`)}" async></script>`;
  const kind = widget.kind as WidgetKind;
  return {
    script: `${script}\n${placeholderHtml(id, kind)}`,
    iframe:
      `${script}\n<iframe src="${escapeHtml(`${publicUrl}/embed/${widget.id}`)}" title="Testimonials" ` +
      `width="100%" height="${RESERVE_PX[kind] || 160}" loading="lazy" data-showtrust-frame></iframe>`,
    html_url: `${publicUrl}/public/v1/widgets/${widget.id}?format=html`,
    wall_url: `${publicUrl}/w/${publicSlug(widget)}`,
  } satisfies EmbedUrls;
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
    slug: publicSlug(row),
    settings: parseSettings(row.settings),
    embed: embedCodes(publicUrl, row),
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

/** The widget a wall page `/w/{slug}` shows: by its slug, or by its id while it has none. */
export async function findWidgetBySlug(
  executor: Executor,
  slug: string,
): Promise<WidgetRow | undefined> {
  return executor
    .selectFrom('widgets')
    .selectAll()
    .where((eb) =>
      eb.or([eb('slug', '=', slug), eb.and([eb('slug', 'is', null), eb('id', '=', slug)])]),
    )
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
