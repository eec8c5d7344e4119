import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import type { MailMessage } from '../platform/mail/mailer.js';
import type { SecretBox } from '../platform/secret-box.js';
import { findFormRow } from '../forms/store.js';
import type { ContactRow } from './contact-store.js';
import type { TemplateKind } from './email-template-schema.js';
import { templateFor } from './email-template-store.js';
import { linkToken, type ReviewRequestRow } from './review-request-store.js';
import { buildReviewEmail, type EmailVariables } from './review-email.js';
import type { AutomationSettings } from './settings-schema.js';

const UNSUBSCRIBE_PURPOSE = 'unsubscribe';

/** `<contact id>.<HMAC>`: names the contact and cannot be made up for another one. */
export function unsubscribeToken(secrets: SecretBox, contactId: string): string {
  return `${contactId}.${secrets.mac(UNSUBSCRIBE_PURPOSE, contactId)}`;
}

/** The contact id an unsubscribe token names, if the token is genuine. */
export function readUnsubscribeToken(secrets: SecretBox, token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const contactId = token.slice(0, dot);
  return secrets.verifyMac(UNSUBSCRIBE_PURPOSE, contactId, token.slice(dot + 1))
    ? contactId
    : undefined;
}

export function reviewLink(services: Services, requestId: string): string {
  return `${services.config.publicUrl}/r/${linkToken(services.secrets, requestId)}`;
}

async function workspaceName(executor: Executor, workspaceId: string): Promise<string> {
  const row = await executor
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.name ?? 'ShowTrust';
}

/** The review request or reminder email, from the form's template and the workspace's look. */
export async function composeReviewMail(
  executor: Executor,
  services: Services,
  request: ReviewRequestRow,
  contact: ContactRow,
  kind: TemplateKind,
  settings: AutomationSettings,
  expiresAtMs: number,
): Promise<MailMessage> {
  const form = await findFormRow(executor, request.workspace_id, request.form_id);
  const template = await templateFor(executor, request.form_id, kind);
  const name = contact.name ?? '';
  const expiresOn = new Intl.DateTimeFormat('en-US', {
    dateStyle: 'long',
    timeZone: settings.time_zone,
  }).format(expiresAtMs);
  const vars: EmailVariables = {
    contact: {
      name: name || contact.email,
      first_name: name.split(/\s+/)[0] || 'there',
      email: contact.email,
      company: contact.company ?? '',
    },
    workspace: { name: await workspaceName(executor, request.workspace_id) },
    form: { name: form?.name ?? '', heading: form?.heading ?? '' },
    link: reviewLink(services, request.id),
    unsubscribe_url: `${services.config.publicUrl}/u/${unsubscribeToken(services.secrets, contact.id)}`,
    expires_on: expiresOn,
  };
  return buildReviewEmail(
    template,
    vars,
    { brandColor: settings.brand_color, accentColor: settings.accent_color },
    { workspaceId: request.workspace_id, to: contact.email, kind },
  );
}
