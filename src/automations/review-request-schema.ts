import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';
import { EventContactBody } from './contact-schema.js';

export const REVIEW_REQUEST_STATUSES = [
  'scheduled',
  'sent',
  'opened',
  'completed',
  'expired',
  'canceled',
] as const;
export type ReviewRequestStatus = (typeof REVIEW_REQUEST_STATUSES)[number];

/** A personal link works this long after the email is sent. */
export const LINK_LIFETIME_DAYS = 30;
const Status = Type.Union(REVIEW_REQUEST_STATUSES.map((s) => Type.Literal(s)));
const LocalTime = Nullable(
  Type.String({ description: 'The same instant in the workspace time zone, with its offset.' }),
);

export const ReviewRequestSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('review_request'),
    contact_id: Type.String(),
    form_id: Type.String(),
    rule_id: Nullable(Type.String()),
    status: Status,
    time_zone: Type.String(),
    send_at: Timestamp,
    send_at_local: Type.String(),
    reminder_after_days: Nullable(Type.Integer()),
    reminder_at: Nullable(Timestamp),
    reminder_at_local: LocalTime,
    expires_at: Nullable(Timestamp),
    sent_at: Nullable(Timestamp),
    reminded_at: Nullable(Timestamp),
    opened_at: Nullable(Timestamp),
    completed_at: Nullable(Timestamp),
    canceled_at: Nullable(Timestamp),
    skipped_reason: Nullable(Type.String()),
    testimonial_id: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'ReviewRequest' },
);
export type ReviewRequest = Static<typeof ReviewRequestSchema>;

export const CreateReviewRequestBody = Type.Object(
  {
    contact_id: Type.Optional(Type.String({ maxLength: 64 })),
    contact: Type.Optional(EventContactBody),
    form_id: Type.String({ maxLength: 64 }),
    send_at: Type.Optional(Timestamp),
    send_at_local: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$',
        description:
          'A wall time in the workspace zone, e.g. `2026-03-08T02:30`; a time skipped by a clock change moves to the next valid minute.',
      }),
    ),
    reminder_after_days: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 0,
          maximum: 60,
          description: 'Overrides the workspace setting; 0 for no reminder.',
        }),
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'Give `contact_id` or `contact` (upserted). Without a send time it goes now.',
  },
);
export type CreateReviewRequestInput = Static<typeof CreateReviewRequestBody>;

export const ListReviewRequestsQuery = Type.Object(
  {
    ...ListQueryBase,
    status: Type.Optional(Status),
    contact_id: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ListReviewRequestsFilter = Static<typeof ListReviewRequestsQuery>;

export const CancelReviewRequestBody = Type.Object({}, { additionalProperties: false });
