import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../http/schemas.js';

export const EMAIL_STATUSES = ['captured', 'queued', 'sent', 'failed'] as const;

export const EmailSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('email'),
    kind: Type.String(),
    to: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    html: Nullable(Type.String()),
    headers: Type.Record(Type.String(), Type.String()),
    transport: Type.Union([Type.Literal('capture'), Type.Literal('smtp')]),
    status: Type.Union(
      EMAIL_STATUSES.map((s) => Type.Literal(s)),
      {
        description:
          '`captured`: kept here only (no SMTP_URL). `queued`: waiting for (another) SMTP attempt. ' +
          '`sent`: the SMTP server accepted it. `failed`: refused for good or out of retries.',
      },
    ),
    attempts: Type.Integer(),
    last_error: Nullable(Type.String()),
    created_at: Timestamp,
    sent_at: Nullable(Timestamp),
  },
  { $id: 'Email' },
);
export type Email = Static<typeof EmailSchema>;

export const ListEmailsQuery = Type.Object(
  {
    ...ListQueryBase,
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
