import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { ContactTable } from '../platform/db/schema.js';
import { AppError, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import {
  MAX_ATTRIBUTE_CHARS,
  type Contact,
  type ContactInput,
  type ListContactsFilter,
  type UpdateContactInput,
} from './contact-schema.js';

export type ContactRow = Selectable<ContactTable>;
type AttributeMap = Record<string, string | number | boolean>;

export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    object: 'contact',
    email: row.email,
    external_id: row.external_id,
    name: row.name,
    company: row.company,
    attributes: JSON.parse(row.attributes) as AttributeMap,
    unsubscribed: row.unsubscribed === 1,
    unsubscribed_at: row.unsubscribed_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Emails are matched without regard to case: stored lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Attribute values are scalars; anything else is a 422 naming the attribute. */
export function checkAttributes(attributes: Record<string, unknown> | undefined, at: string): void {
  for (const [key, value] of Object.entries(attributes ?? {})) {
    const scalar =
      value === null ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.length <= MAX_ATTRIBUTE_CHARS);
    if (!scalar) {
      throw validationError(
        `${at}/${key}`,
        `must be a string of up to ${MAX_ATTRIBUTE_CHARS} characters, a number, a boolean or null`,
      );
    }
  }
}

function mergeAttributes(stored: AttributeMap, changes: Record<string, unknown> | undefined) {
  const merged: AttributeMap = { ...stored };
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (value === null) delete merged[key];
    else merged[key] = value as string | number | boolean;
  }
  return merged;
}

export function findContactRow(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<ContactRow | undefined> {
  return executor
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

async function findBy(
  executor: Executor,
  workspaceId: string,
  column: 'email' | 'external_id',
  value: string,
) {
  return executor
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where(column, '=', value)
    .executeTakeFirst();
}

/** The changes an input makes to a stored contact (only the fields it carries). */
function changesFor(
  row: ContactRow,
  input: UpdateContactInput,
  nowIso: string,
): Partial<ContactRow> {
  checkAttributes(input.attributes, '/attributes');
  const changes: Partial<ContactRow> = { updated_at: nowIso };
  if (input.email !== undefined) changes.email = normalizeEmail(input.email);
  if (input.external_id !== undefined) changes.external_id = text(input.external_id);
  if (input.name !== undefined) changes.name = text(input.name);
  if (input.company !== undefined) changes.company = text(input.company);
  if (input.attributes !== undefined) {
    const stored = JSON.parse(row.attributes) as AttributeMap;
    changes.attributes = JSON.stringify(mergeAttributes(stored, input.attributes));
  }
  if (input.unsubscribed !== undefined && input.unsubscribed !== (row.unsubscribed === 1)) {
    changes.unsubscribed = input.unsubscribed ? 1 : 0;
    changes.unsubscribed_at = input.unsubscribed ? nowIso : null;
  }
  return changes;
}

export async function updateContactRow(
  executor: Executor,
  row: ContactRow,
  input: UpdateContactInput,
  nowIso: string,
): Promise<ContactRow> {
  const changes = changesFor(row, input, nowIso);
  try {
    await executor.updateTable('contacts').set(changes).where('id', '=', row.id).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', 'another contact already has this email or external_id');
    }
    throw error;
  }
  return { ...row, ...changes };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/**
 * Finds the contact by external_id (when given) or email and updates it, or creates it.
 * Safe to run at once from two requests: the insert does nothing on a conflict and the
 * winner's row is read back instead.
 */
export async function upsertContactRow(
  executor: Executor,
  workspaceId: string,
  input: ContactInput,
  nowMs: number,
): Promise<{ row: ContactRow; created: boolean }> {
  checkAttributes(input.attributes, '/attributes');
  const email = normalizeEmail(input.email);
  const externalId = text(input.external_id);
  const nowIso = new Date(nowMs).toISOString();

  for (let attempt = 0; attempt < 2; attempt++) {
    const byExternal = externalId
      ? await findBy(executor, workspaceId, 'external_id', externalId)
      : undefined;
    const byEmail = await findBy(executor, workspaceId, 'email', email);
    if (byExternal && byEmail && byExternal.id !== byEmail.id) {
      throw new AppError(
        'conflict',
        'the email and the external_id belong to two different contacts',
        [
          { field: '/external_id', message: `is the external_id of ${byExternal.id}` },
          { field: '/email', message: `is the email of ${byEmail.id}` },
        ],
      );
    }
    const existing = byExternal ?? byEmail;
    if (existing)
      return { row: await updateContactRow(executor, existing, input, nowIso), created: false };

    const row: ContactRow = {
      id: newId('contact', nowMs),
      workspace_id: workspaceId,
      email,
      external_id: externalId,
      name: text(input.name),
      company: text(input.company),
      attributes: JSON.stringify(mergeAttributes({}, input.attributes)),
      unsubscribed: input.unsubscribed ? 1 : 0,
      unsubscribed_at: input.unsubscribed ? nowIso : null,
      created_at: nowIso,
      updated_at: nowIso,
    };
    const inserted = await executor
      .insertInto('contacts')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { row, created: true };
  }
  throw new AppError('conflict', 'the contact was changed at the same time; send it again');
}

export async function listContacts(
  executor: Executor,
  workspaceId: string,
  filter: ListContactsFilter,
): Promise<{ data: Contact[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.email) query = query.where('email', '=', normalizeEmail(filter.email));
  if (filter.external_id) query = query.where('external_id', '=', filter.external_id);
  if (filter.unsubscribed !== undefined) {
    query = query.where('unsubscribed', '=', filter.unsubscribed ? 1 : 0);
  }
  if (filter.starting_after) {
    const cursor = await findContactRow(executor, workspaceId, filter.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of a contact in this list');
    query = query.where('id', '<', cursor.id);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toContact), has_more: rows.length > limit };
}
