import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { AppError, notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import { bumpContentVersion } from '../workspaces/store.js';
import { DEFAULT_WIDGET_SETTINGS } from './defaults.js';
import { announceContentChange } from './live-announce.js';
import type { CreateWidgetInput, UpdateWidgetInput, Widget, WidgetSettings } from './schema.js';
import { slugFromName } from './slug.js';
import {
  findWidgetBySlug,
  findWidgetRow,
  parseSettings,
  toWidget,
  type WidgetRow,
} from './store.js';

/** Ids a filter names must exist in this workspace: another's would silently match nothing. */
async function assertInWorkspace(
  executor: Executor,
  table: 'forms' | 'testimonials',
  workspaceId: string,
  ids: string[],
  field: string,
): Promise<void> {
  if (ids.length === 0) return;
  const found = await executor
    .selectFrom(table)
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
  const known = new Set(found.map((row) => row.id));
  const index = ids.findIndex((id) => !known.has(id));
  if (index >= 0) {
    const what = table === 'forms' ? 'a form' : 'a testimonial';
    throw validationError(`/settings/${field}/${index}`, `is not ${what} of this workspace`);
  }
}

/** Settings that only make sense together, checked after the merge. */
function assertConsistent(settings: WidgetSettings): void {
  if (settings.json_ld && !settings.json_ld_name) {
    throw validationError('/settings/json_ld_name', 'is required when json_ld is on');
  }
}

async function assertSettings(
  executor: Executor,
  workspaceId: string,
  settings: WidgetSettings,
  changed: Partial<WidgetSettings> | undefined,
): Promise<void> {
  assertConsistent(settings);
  if (changed?.form_ids) {
    await assertInWorkspace(executor, 'forms', workspaceId, settings.form_ids, 'form_ids');
  }
  if (changed?.ids) {
    await assertInWorkspace(executor, 'testimonials', workspaceId, settings.ids, 'ids');
  }
}

function slugTaken(slug: string): AppError {
  return new AppError('conflict', `slug "${slug}" is already taken`, [
    { field: '/slug', message: 'is already taken' },
  ]);
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** Runs a write that may hit the slug's unique index: a race loser gets the same 409. */
async function guardSlug<T>(slug: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (slug !== undefined && isUniqueViolation(error)) throw slugTaken(slug);
    throw error;
  }
}

async function assertSlugFree(executor: Executor, slug: string, ownId?: string): Promise<void> {
  const holder = await findWidgetBySlug(executor, slug);
  if (holder && holder.id !== ownId) throw slugTaken(slug);
}

/*
 * Every widget change bumps the workspace's content version in its transaction: the
 * public feed's cache is keyed by it, so the next feed request on any server sees it;
 * after the commit, open live widgets are told.
 */

export async function createWidget(
  services: Services,
  workspaceId: string,
  input: CreateWidgetInput,
): Promise<Widget> {
  const now = isoNow(services.clock);
  const settings: WidgetSettings = { ...DEFAULT_WIDGET_SETTINGS, ...input.settings };
  const name = input.name.trim();
  const row: WidgetRow = {
    id: newId('widget', services.clock.nowMs()),
    workspace_id: workspaceId,
    name,
    kind: input.kind ?? 'grid',
    slug: input.slug ?? slugFromName(name),
    settings: JSON.stringify(settings),
    created_at: now,
    updated_at: now,
  };

  const widget = await guardSlug(input.slug, () =>
    services.transaction(async (trx) => {
      await assertSettings(trx, workspaceId, settings, input.settings);
      if (input.slug) await assertSlugFree(trx, input.slug);
      await trx.insertInto('widgets').values(row).execute();
      await bumpContentVersion(trx, workspaceId);
      return toWidget(row, services.config.publicUrl);
    }),
  );
  await announceContentChange(services, workspaceId);
  return widget;
}

/** `settings` is merged field by field: a PATCH names only the settings it changes. */
export async function updateWidget(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateWidgetInput,
): Promise<Widget> {
  const widget = await guardSlug(input.slug, () =>
    services.transaction(async (trx) => {
      const before = await findWidgetRow(trx, workspaceId, id);
      if (!before) throw notFound('widget');

      const settings = { ...parseSettings(before.settings), ...input.settings };
      await assertSettings(trx, workspaceId, settings, input.settings);
      if (input.slug) await assertSlugFree(trx, input.slug, id);
      const after: WidgetRow = {
        ...before,
        name: input.name?.trim() ?? before.name,
        kind: input.kind ?? before.kind,
        slug: input.slug ?? before.slug,
        settings: JSON.stringify(settings),
        updated_at: isoNow(services.clock),
      };

      await trx
        .updateTable('widgets')
        .set({
          name: after.name,
          kind: after.kind,
          slug: after.slug,
          settings: after.settings,
          updated_at: after.updated_at,
        })
        .where('id', '=', id)
        .execute();
      await bumpContentVersion(trx, workspaceId);
      return toWidget(after, services.config.publicUrl);
    }),
  );
  await announceContentChange(services, workspaceId);
  return widget;
}

/** Its embeds stop showing; open live connections to it are closed. */
export async function deleteWidget(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<Widget> {
  const widget = await services.transaction(async (trx) => {
    const before = await findWidgetRow(trx, workspaceId, id);
    if (!before) throw notFound('widget');
    await trx.deleteFrom('widgets').where('id', '=', id).execute();
    await bumpContentVersion(trx, workspaceId);
    return toWidget(before, services.config.publicUrl);
  });
  await announceContentChange(services, workspaceId);
  return widget;
}
