import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { EmailTable } from '../db/schema.js';
import { validationError } from '../errors.js';
import { newId } from '../ids.js';
import type { MailMessage } from './mailer.js';
import type { Email } from './schema.js';

export type EmailRow = Selectable<EmailTable>;

/** Header names a caller may not set: they are ours, or they would let a message be rerouted. */
const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'message-id', 'date']);

function checkMessage(message: MailMessage): void {
  // A line break in a header value would start a new header (header injection).
  const singleLine = (value: string) => !/[\r\n]/.test(value);
  if (!singleLine(message.to) || !singleLine(message.subject)) {
    throw new Error('mail recipient and subject must be single lines');
  }
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (RESERVED_HEADERS.has(name.toLowerCase()) || !/^[A-Za-z0-9-]+$/.test(name)) {
      throw new Error(`mail header ${name} may not be set`);
    }
    if (!singleLine(value)) throw new Error(`mail header ${name} must be a single line`);
  }
}

export async function insertEmail(
  executor: Executor,
  message: MailMessage,
  fields: { transport: string; status: string; nowMs: number },
): Promise<EmailRow> {
  checkMessage(message);
  const createdAt = new Date(fields.nowMs).toISOString();
  const row: EmailRow = {
    id: newId('email', fields.nowMs),
    workspace_id: message.workspaceId,
    kind: message.kind,
    to_address: message.to,
    subject: message.subject,
    text_body: message.text,
    html_body: message.html ?? null,
    headers: JSON.stringify(message.headers ?? {}),
    transport: fields.transport,
    status: fields.status,
    attempts: 0,
    provider_message_id: null,
    last_error: null,
    created_at: createdAt,
    sent_at: fields.status === 'captured' ? createdAt : null,
  };
  await executor.insertInto('emails').values(row).execute();
  return row;
}

export function findEmailRow(executor: Executor, id: string): Promise<EmailRow | undefined> {
  return executor.selectFrom('emails').selectAll().where('id', '=', id).executeTakeFirst();
}

export function toEmail(row: EmailRow): Email {
  return {
    id: row.id,
    object: 'email',
    kind: row.kind,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    headers: JSON.parse(row.headers) as Record<string, string>,
    transport: row.transport as Email['transport'],
    status: row.status as Email['status'],
    attempts: row.attempts,
    last_error: row.last_error,
    created_at: row.created_at,
    sent_at: row.sent_at,
  };
}

export async function findEmail(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<Email | undefined> {
  const row = await executor
    .selectFrom('emails')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toEmail(row);
}

export interface ListEmailsFilter {
  limit?: number;
  starting_after?: string;
  to?: string;
  kind?: string;
}

/** Newest first; ids sort by creation time, so the id alone is the cursor. */
export async function listEmails(
  executor: Executor,
  workspaceId: string,
  filter: ListEmailsFilter,
): Promise<{ data: Email[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor.selectFrom('emails').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.to) query = query.where('to_address', '=', filter.to);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.starting_after) {
    const cursor = await findEmail(executor, workspaceId, filter.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of an email in this list');
    query = query.where('id', '<', cursor.id);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toEmail), has_more: rows.length > limit };
}
