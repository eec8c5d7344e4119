import type { Selectable } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import type { EmailTemplateTable } from '../platform/db/schema.js';
import { AppError, notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { findFormRow } from '../forms/store.js';
import type {
  CreateEmailTemplateInput,
  EmailTemplate,
  TemplateKind,
  UpdateEmailTemplateInput,
} from './email-template-schema.js';
import { DEFAULT_TEMPLATES, unknownVariables, type EmailTemplateText } from './review-email.js';

export type EmailTemplateRow = Selectable<EmailTemplateTable>;

export function toEmailTemplate(row: EmailTemplateRow): EmailTemplate {
  return {
    id: row.id,
    object: 'email_template',
    form_id: row.form_id,
    kind: row.kind as TemplateKind,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function checkVariables(input: { subject?: string; text?: string; html?: string | null }): void {
  for (const field of ['subject', 'text', 'html'] as const) {
    const unknown = unknownVariables(input[field] ?? '');
    if (unknown.length > 0) {
      throw validationError(`/${field}`, `uses unknown variable(s): ${unknown.join(', ')}`);
    }
  }
}

export function findEmailTemplateRow(executor: Executor, workspaceId: string, id: string) {
  return executor
    .selectFrom('email_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The form's own template of this kind, or the built-in one. */
export async function templateFor(
  executor: Executor,
  formId: string,
  kind: TemplateKind,
): Promise<EmailTemplateText> {
  const row = await executor
    .selectFrom('email_templates')
    .selectAll()
    .where('form_id', '=', formId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) return DEFAULT_TEMPLATES[kind];
  return { subject: row.subject, text: row.text_body, html: row.html_body };
}

export async function createEmailTemplate(
  services: Services,
  workspaceId: string,
  input: CreateEmailTemplateInput,
): Promise<EmailTemplate> {
  checkVariables(input);
  const { kysely } = services.db;
  if (!(await findFormRow(kysely, workspaceId, input.form_id))) {
    throw validationError('/form_id', 'is not a form of this workspace');
  }
  const now = new Date(services.clock.nowMs()).toISOString();
  const row: EmailTemplateRow = {
    id: newId('emailTemplate', services.clock.nowMs()),
    workspace_id: workspaceId,
    form_id: input.form_id,
    kind: input.kind,
    subject: input.subject,
    text_body: input.text,
    html_body: input.html ?? null,
    created_at: now,
    updated_at: now,
  };
  const inserted = await kysely
    .insertInto('email_templates')
    .values(row)
    .onConflict((oc) => oc.columns(['form_id', 'kind']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) {
    throw new AppError('conflict', `form ${input.form_id} already has a ${input.kind} template`);
  }
  return toEmailTemplate(row);
}

export async function updateEmailTemplate(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateEmailTemplateInput,
): Promise<EmailTemplate> {
  checkVariables(input);
  const { kysely } = services.db;
  const row = await findEmailTemplateRow(kysely, workspaceId, id);
  if (!row) throw notFound('email template');
  const changes: Partial<EmailTemplateRow> = {
    updated_at: new Date(services.clock.nowMs()).toISOString(),
  };
  if (input.subject !== undefined) changes.subject = input.subject;
  if (input.text !== undefined) changes.text_body = input.text;
  if (input.html !== undefined) changes.html_body = input.html;
  await kysely.updateTable('email_templates').set(changes).where('id', '=', id).execute();
  return toEmailTemplate({ ...row, ...changes });
}

export async function deleteEmailTemplate(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<EmailTemplate> {
  const { kysely } = services.db;
  const row = await findEmailTemplateRow(kysely, workspaceId, id);
  if (!row) throw notFound('email template');
  await kysely.deleteFrom('email_templates').where('id', '=', id).execute();
  return toEmailTemplate(row);
}

export async function listEmailTemplates(
  executor: Executor,
  workspaceId: string,
  filter: { limit?: number; starting_after?: string; form_id?: string },
): Promise<{ data: EmailTemplate[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor
    .selectFrom('email_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId);
  if (filter.form_id) query = query.where('form_id', '=', filter.form_id);
  if (filter.starting_after) query = query.where('id', '<', filter.starting_after);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toEmailTemplate), has_more: rows.length > limit };
}
