import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { FormTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { Form, ListFormsQuery } from './schema.js';

export type FormRow = Selectable<FormTable>;

/** The hosted page of a form; PUBLIC_URL is read per call because the server may settle it late. */
export function formUrl(publicUrl: string, slug: string): string {
  return `${publicUrl}/f/${slug}`;
}

export function toForm(row: FormRow, publicUrl: string): Form {
  return {
    id: row.id,
    object: 'form',
    slug: row.slug,
    name: row.name,
    heading: row.heading,
    prompt: row.prompt,
    consent_text: row.consent_text,
    thank_you_text: row.thank_you_text,
    url: formUrl(publicUrl, row.slug),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function findFormRow(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<FormRow | undefined> {
  return executor
    .selectFrom('forms')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Slugs are unique across the server: the hosted page finds its form by slug alone. */
export async function findFormRowBySlug(
  executor: Executor,
  slug: string,
): Promise<FormRow | undefined> {
  return executor.selectFrom('forms').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Newest first; ids break ties between forms created in the same millisecond. */
export async function listFormRows(
  executor: Executor,
  workspaceId: string,
  query: ListFormsQuery,
): Promise<{ rows: FormRow[]; has_more: boolean }> {
  const limit = query.limit ?? 20;
  let select = executor.selectFrom('forms').selectAll().where('workspace_id', '=', workspaceId);

  if (query.starting_after) {
    const cursor = await findFormRow(executor, workspaceId, query.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of a form in this list');
    const { id, created_at } = cursor;
    select = select.where((eb) =>
      eb.or([
        eb('created_at', '<', created_at),
        eb.and([eb('created_at', '=', created_at), eb('id', '<', id)]),
      ]),
    );
  }

  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { rows: rows.slice(0, limit), has_more: rows.length > limit };
}

/** True for a unique-constraint violation from either dialect's driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
