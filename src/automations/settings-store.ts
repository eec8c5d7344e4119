import type { Executor } from '../platform/db/database.js';
import { validationError } from '../platform/errors.js';
import type { AutomationSettings, UpdateAutomationSettingsInput } from './settings-schema.js';
import { isTimeZone } from './zoned-time.js';

export const DEFAULT_SETTINGS = {
  time_zone: 'UTC',
  brand_color: '#1f6feb',
  accent_color: '#f4f6f8',
  reminder_after_days: 3,
} as const;

export interface WorkspaceMailSettings {
  timeZone: string;
  brandColor: string;
  accentColor: string;
  reminderAfterDays: number | null;
}

export async function loadSettings(
  executor: Executor,
  workspaceId: string,
): Promise<AutomationSettings> {
  const row = await executor
    .selectFrom('automation_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return {
    object: 'automation_settings',
    time_zone: row?.time_zone ?? DEFAULT_SETTINGS.time_zone,
    brand_color: row?.brand_color ?? DEFAULT_SETTINGS.brand_color,
    accent_color: row?.accent_color ?? DEFAULT_SETTINGS.accent_color,
    reminder_after_days: row ? row.reminder_after_days : DEFAULT_SETTINGS.reminder_after_days,
    auto_publish: false,
    updated_at: row?.updated_at ?? null,
  };
}

export async function saveSettings(
  executor: Executor,
  workspaceId: string,
  input: UpdateAutomationSettingsInput,
  nowIso: string,
): Promise<AutomationSettings> {
  if (input.time_zone !== undefined && !isTimeZone(input.time_zone)) {
    throw validationError('/time_zone', 'is not an IANA time zone such as "Europe/Berlin"');
  }
  const current = await loadSettings(executor, workspaceId);
  const row = {
    workspace_id: workspaceId,
    time_zone: input.time_zone ?? current.time_zone,
    brand_color: (input.brand_color ?? current.brand_color).toLowerCase(),
    accent_color: (input.accent_color ?? current.accent_color).toLowerCase(),
    reminder_after_days:
      input.reminder_after_days === undefined
        ? current.reminder_after_days
        : input.reminder_after_days,
    updated_at: nowIso,
  };
  await executor
    .insertInto('automation_settings')
    .values(row)
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(row))
    .execute();
  return loadSettings(executor, workspaceId);
}
