import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';

export const TESTIMONIAL_STATUSES = ['pending', 'approved', 'rejected', 'archived'] as const;
export const TESTIMONIAL_SOURCES = ['form', 'api', 'import'] as const;
export const MAX_TEXT_CHARS = 5_000;
export const MAX_TAGS = 20;

const Status = Type.Union(TESTIMONIAL_STATUSES.map((s) => Type.Literal(s)));
const Rating = Type.Integer({ minimum: 1, maximum: 5 });
const ShortText = (max: number) => Type.String({ maxLength: max });
const Tag = Type.String({ minLength: 1, maxLength: 50, pattern: '^\\S(.*\\S)?$' });

export const TestimonialSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('testimonial'),
    status: Status,
    source: Type.Union(TESTIMONIAL_SOURCES.map((s) => Type.Literal(s))),
    form_id: Nullable(Type.String()),
    rating: Nullable(Rating),
    title: Nullable(Type.String()),
    text: Type.String(),
    author_name: Type.String(),
    author_email: Nullable(Type.String()),
    author_title: Nullable(Type.String()),
    author_company: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    featured: Type.Boolean(),
    author_avatar_url: Nullable(
      Type.String({
        description:
          'The author photo: an https URL, or the path `/media/{id}` of a photo uploaded with ' +
          '`PUT /v1/testimonials/{id}/photo`, on this server.',
      }),
    ),
    consent_given: Type.Boolean({
      description: 'Whether the author agreed to publication; without it nothing is shown.',
    }),
    consent_text: Nullable(Type.String()),
    consent_revoked_at: Nullable(Timestamp),
    verified: Type.Boolean({
      description:
        'Sent through a personal review request link, so the author controls the contact email.',
    }),
    contact_id: Nullable(Type.String({ description: 'The contact the review request went to.' })),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Testimonial' },
);
export type Testimonial = Static<typeof TestimonialSchema>;

const editable = {
  rating: Type.Optional(Nullable(Rating)),
  title: Type.Optional(Nullable(ShortText(200))),
  text: Type.String({ minLength: 1, maxLength: MAX_TEXT_CHARS, pattern: '\\S' }),
  author_name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  author_email: Type.Optional(Nullable(Type.String({ maxLength: 320, format: 'email' }))),
  author_title: Type.Optional(Nullable(ShortText(200))),
  author_company: Type.Optional(Nullable(ShortText(200))),
  tags: Type.Optional(Type.Array(Tag, { maxItems: MAX_TAGS, uniqueItems: true })),
  featured: Type.Optional(Type.Boolean()),
  status: Type.Optional(Status),
  author_avatar_url: Type.Optional(
    Nullable(Type.String({ maxLength: 2_000, pattern: '^https://[^\\s]+$' })),
  ),
};

export const CreateTestimonialBody = Type.Object(
  {
    ...editable,
    form_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    consent_given: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          'Left out, the caller vouches that the author agreed (true); false stores one ' +
          'that is never shown publicly.',
      }),
    ),
    consent_text: Type.Optional(Nullable(ShortText(1_000))),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type CreateTestimonialInput = Static<typeof CreateTestimonialBody>;

export const UpdateTestimonialBody = Type.Partial(
  Type.Object({
    ...editable,
    consent_given: Type.Boolean({
      description:
        '`false` revokes consent: the testimonial and its photo leave every public surface at ' +
        'once. Consent is given only with a submission, never restored here: `true` is ' +
        'accepted only while consent stands (so a fetched testimonial can be sent back).',
    }),
  }),
  {
    additionalProperties: false,
    minProperties: 1,
  },
);
export type UpdateTestimonialInput = Static<typeof UpdateTestimonialBody>;

export const ListTestimonialsQuery = Type.Object(
  {
    ...ListQueryBase,
    status: Type.Optional(Status),
    min_rating: Type.Optional(Rating),
    tag: Type.Optional(Tag),
    form_id: Type.Optional(Type.String({ maxLength: 64 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    sort: Type.Optional(Type.Union([Type.Literal('-created_at'), Type.Literal('-rating')])),
  },
  { additionalProperties: false },
);
export type ListTestimonialsFilter = Static<typeof ListTestimonialsQuery>;
