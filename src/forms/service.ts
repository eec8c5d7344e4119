import type { Services } from '../platform/context.js';
import { AppError, notFound } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import { DEFAULT_FORM } from './defaults.js';
import type { CreateFormInput, Form, UpdateFormInput } from './schema.js';
import {
  findFormRow,
  findFormRowBySlug,
  isUniqueViolation,
  toForm,
  type FormRow,
} from './store.js';

function slugTaken(slug: string): AppError {
  return new AppError('conflict', `slug "${slug}" is already taken`, [
    { field: '/slug', message: 'is already taken' },
  ]);
}

/** Runs a write that may hit the slug's unique index; a race loser gets the same 409. */
async function guardSlug<T>(slug: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (slug !== undefined && isUniqueViolation(error)) throw slugTaken(slug);
    throw error;
  }
}

function trimmed<T extends Record<string, string | undefined>>(fields: T): T {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) out[key] = key === 'slug' ? value : value.trim();
  }
  return out as T;
}

export async function createForm(
  services: Services,
  workspaceId: string,
  input: CreateFormInput,
): Promise<Form> {
  const now = isoNow(services.clock);
  const row: FormRow = {
    ...DEFAULT_FORM,
    ...trimmed(input),
    id: newId('form', services.clock.nowMs()),
    workspace_id: workspaceId,
    created_at: now,
    updated_at: now,
  };

  if (await findFormRowBySlug(services.db.kysely, row.slug)) throw slugTaken(row.slug);
  await guardSlug(row.slug, () => services.db.kysely.insertInto('forms').values(row).execute());
  return toForm(row, services.config.publicUrl);
}

export async function updateForm(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateFormInput,
): Promise<Form> {
  const after = await guardSlug(input.slug, () =>
    services.transaction(async (trx) => {
      const before = await findFormRow(trx, workspaceId, id);
      if (!before) throw notFound('form');
      if (input.slug && input.slug !== before.slug) {
        const holder = await findFormRowBySlug(trx, input.slug);
        if (holder) throw slugTaken(input.slug);
      }

      const changes = { ...trimmed(input), updated_at: isoNow(services.clock) };
      await trx.updateTable('forms').set(changes).where('id', '=', id).execute();
      return { ...before, ...changes };
    }),
  );
  return toForm(after, services.config.publicUrl);
}

export async function deleteForm(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<Form> {
  const before = await findFormRow(services.db.kysely, workspaceId, id);
  if (!before) throw notFound('form');
  await services.db.kysely
    .deleteFrom('forms')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
  return toForm(before, services.config.publicUrl);
}
