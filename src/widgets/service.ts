import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import { bumpContentVersion } from '../workspaces/store.js';
import { DEFAULT_WIDGET_SETTINGS } from './defaults.js';
import type { CreateWidgetInput, UpdateWidgetInput, Widget, WidgetSettings } from './schema.js';
import { findWidgetRow, parseSettings, toWidget, type WidgetRow } from './store.js';

/** A form filter naming another workspace's form would silently match nothing: refuse it. */
async function assertFormsInWorkspace(executor: Executor, workspaceId: string, formIds: string[]) {
  if (formIds.length === 0) return;
  const found = await executor
    .selectFrom('forms')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', formIds)
    .execute();
  const known = new Set(found.map((f) => f.id));
  const index = formIds.findIndex((id) => !known.has(id));
  if (index >= 0) {
    throw validationError(`/settings/form_ids/${index}`, 'is not a form of this workspace');
  }
}

/*
 * Every widget change bumps the workspace's content version in its transaction: the
 * public feed's cache is keyed by it, so the next feed request on any server sees it.
 */

export async function createWidget(
  services: Services,
  workspaceId: string,
  input: CreateWidgetInput,
): Promise<Widget> {
  const now = isoNow(services.clock);
  const settings: WidgetSettings = { ...DEFAULT_WIDGET_SETTINGS, ...input.settings };
  const row: WidgetRow = {
    id: newId('widget', services.clock.nowMs()),
    workspace_id: workspaceId,
    name: input.name.trim(),
    kind: input.kind ?? 'grid',
    settings: JSON.stringify(settings),
    created_at: now,
    updated_at: now,
  };

  return services.transaction(async (trx) => {
    await assertFormsInWorkspace(trx, workspaceId, settings.form_ids);
    await trx.insertInto('widgets').values(row).execute();
    await bumpContentVersion(trx, workspaceId);
    return toWidget(row, services.config.publicUrl);
  });
}

/** `settings` is merged field by field: a PATCH names only the settings it changes. */
export async function updateWidget(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateWidgetInput,
): Promise<Widget> {
  return services.transaction(async (trx) => {
    const before = await findWidgetRow(trx, workspaceId, id);
    if (!before) throw notFound('widget');

    const settings = { ...parseSettings(before.settings), ...input.settings };
    if (input.settings?.form_ids) {
      await assertFormsInWorkspace(trx, workspaceId, settings.form_ids);
    }
    const after: WidgetRow = {
      ...before,
      name: input.name?.trim() ?? before.name,
      kind: input.kind ?? before.kind,
      settings: JSON.stringify(settings),
      updated_at: isoNow(services.clock),
    };

    await trx
      .updateTable('widgets')
      .set({
        name: after.name,
        kind: after.kind,
        settings: after.settings,
        updated_at: after.updated_at,
      })
      .where('id', '=', id)
      .execute();
    await bumpContentVersion(trx, workspaceId);
    return toWidget(after, services.config.publicUrl);
  });
}

export async function deleteWidget(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<Widget> {
  return services.transaction(async (trx) => {
    const before = await findWidgetRow(trx, workspaceId, id);
    if (!before) throw notFound('widget');
    await trx.deleteFrom('widgets').where('id', '=', id).execute();
    await bumpContentVersion(trx, workspaceId);
    return toWidget(before, services.config.publicUrl);
  });
}
