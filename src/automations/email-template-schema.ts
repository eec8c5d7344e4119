import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';

export const TEMPLATE_KINDS = ['review_request', 'reminder'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const TEMPLATE_VARIABLES = [
  'contact.name',
  'contact.first_name',
  'contact.email',
  'contact.company',
  'workspace.name',
  'form.name',
  'form.heading',
  'link',
  'unsubscribe_url',
  'expires_on',
] as const;

const Kind = Type.Union(TEMPLATE_KINDS.map((k) => Type.Literal(k)));
const description = `Text with \`{{variable}}\` placeholders: ${TEMPLATE_VARIABLES.join(', ')}.`;

export const EmailTemplateSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('email_template'),
    form_id: Type.String(),
    kind: Kind,
    subject: Type.String(),
    text: Type.String(),
    html: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'EmailTemplate', description: 'The review request (or reminder) email of one form.' },
);
export type EmailTemplate = Static<typeof EmailTemplateSchema>;

const fields = {
  subject: Type.String({
    minLength: 1,
    maxLength: 300,
    pattern: '^[^\\r\\n]*\\S[^\\r\\n]*$',
    description,
  }),
  text: Type.String({ minLength: 1, maxLength: 20_000, description }),
  html: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 50_000,
        description: `${description} Values are HTML-escaped. Without it, the HTML part is made from the text.`,
      }),
    ),
  ),
};

export const CreateEmailTemplateBody = Type.Object(
  { form_id: Type.String({ maxLength: 64 }), kind: Kind, ...fields },
  { additionalProperties: false },
);
export type CreateEmailTemplateInput = Static<typeof CreateEmailTemplateBody>;

export const UpdateEmailTemplateBody = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateEmailTemplateInput = Static<typeof UpdateEmailTemplateBody>;

export const ListEmailTemplatesQuery = Type.Object(
  { ...ListQueryBase, form_id: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
