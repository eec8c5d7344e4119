import { excerpt } from '../integrations/excerpt.js';
import type { MailMessage } from '../platform/mail/mailer.js';
import { TEMPLATE_VARIABLES, type TemplateKind } from './email-template-schema.js';

/** Longest subject we send; longer ones (a long company name in the template) are cut whole. */
export const EMAIL_SUBJECT_MAX_GRAPHEMES = 100;

export interface EmailTemplateText {
  subject: string;
  text: string;
  html: string | null;
}

export const DEFAULT_TEMPLATES: Record<TemplateKind, EmailTemplateText> = {
  review_request: {
    subject: '{{contact.first_name}}, how is {{workspace.name}} working for you?',
    text:
      'Hi {{contact.first_name}},\n\nWould you tell others what {{workspace.name}} does for you? ' +
      'A few words take a minute:\n\n{{link}}\n\nThe link is yours alone and works until {{expires_on}}.\n\n' +
      'Thank you!\n{{workspace.name}}',
    html: null,
  },
  reminder: {
    subject: 'A reminder from {{workspace.name}}: share your experience?',
    text:
      'Hi {{contact.first_name}},\n\nA few days ago we asked whether you would share a few words ' +
      'about {{workspace.name}}. If you have a minute:\n\n{{link}}\n\nThe link works until ' +
      '{{expires_on}}. We will not remind you again.\n\n{{workspace.name}}',
    html: null,
  },
};

export interface EmailVariables {
  contact: { name: string; first_name: string; email: string; company: string };
  workspace: { name: string };
  form: { name: string; heading: string };
  link: string;
  unsubscribe_url: string;
  expires_on: string;
}

export interface Branding {
  brandColor: string;
  accentColor: string;
}

const PLACEHOLDER = /\{\{\s*([a-z_.]+)\s*\}\}/g;

/** Names used in a template that are not variables; empty when it is fine to save. */
export function unknownVariables(template: string): string[] {
  const known = new Set<string>(TEMPLATE_VARIABLES);
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !known.has(name));
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function lookup(vars: EmailVariables, path: string): string {
  let value: unknown = vars;
  for (const key of path.split('.')) value = (value as Record<string, unknown>)?.[key];
  return typeof value === 'string' ? value : '';
}

export function fill(template: string, vars: EmailVariables, escape: (s: string) => string) {
  return template.replace(PLACEHOLDER, (_, path: string) => escape(lookup(vars, path)));
}

/** Plain text to HTML paragraphs, with our own links made clickable. */
function textToHtml(text: string, vars: EmailVariables, branding: Branding): string {
  const button = `<a href="${escapeHtml(vars.link)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:${branding.brandColor};color:#ffffff;text-decoration:none;font-weight:600">Share your experience</a>`;
  return text
    .split(/\n{2,}/)
    .map((paragraph) =>
      paragraph.trim() === vars.link
        ? `<p>${button}</p>`
        : `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`,
    )
    .join('\n');
}

function layout(body: string, vars: EmailVariables, branding: Branding): string {
  const name = escapeHtml(vars.workspace.name);
  const unsubscribe = escapeHtml(vars.unsubscribe_url);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${name}</title></head>
<body style="margin:0;padding:24px;background:${branding.accentColor};font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1a1a">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;overflow:hidden">
<div style="padding:16px 24px;background:${branding.brandColor};color:#ffffff;font-weight:700">${name}</div>
<div style="padding:24px;line-height:1.5">
${body}
</div>
<div style="padding:16px 24px;font-size:12px;color:#555555;border-top:1px solid #e5e5e5">You get this email because you are a customer of ${name}. <a href="${unsubscribe}" style="color:#555555">Unsubscribe</a> from these requests.</div>
</div>
</body></html>`;
}

/**
 * The email of one review request or reminder. Every message carries the unsubscribe
 * link in its text, its HTML and the RFC 8058 one-click headers; templates cannot drop it.
 */
export function buildReviewEmail(
  template: EmailTemplateText,
  vars: EmailVariables,
  branding: Branding,
  meta: { workspaceId: string; to: string; kind: TemplateKind },
): MailMessage {
  const subject = excerpt(
    fill(template.subject, vars, (s) => s),
    EMAIL_SUBJECT_MAX_GRAPHEMES,
  );
  const text =
    `${fill(template.text, vars, (s) => s)}\n\n--\n` +
    `Unsubscribe from these requests: ${vars.unsubscribe_url}\n`;
  const body = template.html
    ? fill(template.html, vars, escapeHtml)
    : textToHtml(
        fill(template.text, vars, (s) => s),
        vars,
        branding,
      );
  return {
    workspaceId: meta.workspaceId,
    to: meta.to,
    subject,
    text,
    html: layout(body, vars, branding),
    headers: {
      'List-Unsubscribe': `<${vars.unsubscribe_url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    kind: meta.kind,
  };
}
