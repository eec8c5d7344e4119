import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { isoNow } from '../platform/time.js';
import { bumpContentVersion } from '../workspaces/store.js';
import { announceContentChange } from './live-announce.js';
import type { UpdateWidgetBrandingInput, WidgetBranding } from './schema.js';

/** The workspace's branding; a workspace that never set it shows "Powered by ShowTrust". */
export async function getWidgetBranding(
  executor: Executor,
  workspaceId: string,
): Promise<WidgetBranding> {
  const row = await executor
    .selectFrom('widget_branding')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return {
    object: 'widget_branding',
    white_label: row?.white_label === 1,
    updated_at: row?.updated_at ?? null,
  };
}

/** Every widget of the workspace shows the change on its next request and live. */
export async function updateWidgetBranding(
  services: Services,
  workspaceId: string,
  input: UpdateWidgetBrandingInput,
): Promise<WidgetBranding> {
  const updatedAt = isoNow(services.clock);
  const values = { white_label: input.white_label ? 1 : 0, updated_at: updatedAt };
  await services.transaction(async (trx) => {
    await trx
      .insertInto('widget_branding')
      .values({ workspace_id: workspaceId, ...values })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
      .execute();
    await bumpContentVersion(trx, workspaceId);
  });
  await announceContentChange(services, workspaceId);
  return { object: 'widget_branding', white_label: input.white_label, updated_at: updatedAt };
}
