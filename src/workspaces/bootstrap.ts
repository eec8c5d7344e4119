import { createApiKey } from '../auth/api-keys.js';
import { ALL_SCOPES } from '../auth/scopes.js';
import type { Services } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import { DEFAULT_FORM } from '../forms/defaults.js';
import { DEFAULT_WIDGET_SETTINGS } from '../widgets/defaults.js';
import { firstWorkspaceId, insertWorkspace } from './store.js';

export interface BootstrapResult {
  workspaceId: string;
  formSlug: string;
  widgetId: string;
  /** Only on the very first start: the all-scopes key, shown once. */
  apiKey?: string;
}

/**
 * First start on an empty database creates a workspace, the `default` form, a grid
 * widget and an all-scopes API key, in one transaction; later starts find them.
 */
export async function bootstrapWorkspace(services: Services): Promise<BootstrapResult> {
  const existing = await firstWorkspaceId(services.db.kysely);
  if (existing) return describeWorkspace(services, existing);

  const now = isoNow(services.clock);
  return services.transaction(async (trx) => {
    const workspaceId = await insertWorkspace(trx, 'My workspace', now);
    await trx
      .insertInto('forms')
      .values({
        id: newId('form'),
        workspace_id: workspaceId,
        ...DEFAULT_FORM,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const widgetId = newId('widget');
    await trx
      .insertInto('widgets')
      .values({
        id: widgetId,
        workspace_id: workspaceId,
        name: 'Default grid',
        kind: 'grid',
        settings: JSON.stringify(DEFAULT_WIDGET_SETTINGS),
        created_at: now,
        updated_at: now,
      })
      .execute();
    const key = await createApiKey(trx, services, workspaceId, 'Created on first start', [
      ALL_SCOPES,
    ]);
    return { workspaceId, formSlug: DEFAULT_FORM.slug, widgetId, apiKey: key.secret };
  });
}

async function describeWorkspace(
  services: Services,
  workspaceId: string,
): Promise<BootstrapResult> {
  const form = await services.db.kysely
    .selectFrom('forms')
    .select('slug')
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  const widget = await services.db.kysely
    .selectFrom('widgets')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return { workspaceId, formSlug: form?.slug ?? DEFAULT_FORM.slug, widgetId: widget?.id ?? '' };
}
