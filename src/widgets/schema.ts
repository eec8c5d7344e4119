import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';

/** Layouts a widget can have. Each new layout is one more entry here and one renderer in web/widget. */
export const WIDGET_KINDS = ['grid'] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];

export const MAX_FILTER_TAGS = 20;
export const MAX_FILTER_FORMS = 20;

const Kind = Type.Union(
  WIDGET_KINDS.map((k) => Type.Literal(k)),
  { description: 'Layout of the widget.' },
);
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Tag = Type.String({ minLength: 1, maxLength: 50, pattern: '^\\S(.*\\S)?$' });

/*
 * Settings carry no `default` keywords: ajv fills defaults even into optional properties,
 * which would overwrite stored values on a partial update. Defaults live in
 * DEFAULT_WIDGET_SETTINGS and are merged in code, also over rows stored before a
 * setting existed.
 */
const settingsFields = {
  min_rating: Nullable(
    Type.Integer({ minimum: 1, maximum: 5, description: 'Only ratings at or above this.' }),
  ),
  tags: Type.Array(Tag, {
    maxItems: MAX_FILTER_TAGS,
    uniqueItems: true,
    description: 'Only testimonials carrying at least one of these tags; empty means any.',
  }),
  form_ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: MAX_FILTER_FORMS,
    uniqueItems: true,
    description: 'Only testimonials submitted through one of these forms; empty means any.',
  }),
  featured_only: Type.Boolean(),
  limit: Type.Integer({ minimum: 1, maximum: 100, description: 'Testimonials shown at most.' }),
};

export const WidgetSettingsSchema = Type.Object(settingsFields, {
  $id: 'WidgetSettings',
  additionalProperties: false,
});
export type WidgetSettings = Static<typeof WidgetSettingsSchema>;

const SettingsPatch = Type.Partial(Type.Object(settingsFields), { additionalProperties: false });
export type WidgetSettingsPatch = Static<typeof SettingsPatch>;

export const WidgetSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('widget'),
    name: Type.String(),
    kind: Kind,
    settings: Type.Ref(WidgetSettingsSchema),
    embed: Type.Object({
      script: Type.String({ description: 'HTML to paste into any page where the widget shows.' }),
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Widget' },
);
export type Widget = Static<typeof WidgetSchema>;

export const CreateWidgetBody = Type.Object(
  {
    name: Name,
    kind: Type.Optional(Kind),
    settings: Type.Optional(SettingsPatch),
  },
  { additionalProperties: false },
);
export type CreateWidgetInput = Static<typeof CreateWidgetBody>;

export const UpdateWidgetBody = Type.Object(
  {
    name: Type.Optional(Name),
    kind: Type.Optional(Kind),
    settings: Type.Optional(SettingsPatch),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWidgetInput = Static<typeof UpdateWidgetBody>;

export const ListWidgetsQuery = Type.Object(ListQueryBase, { additionalProperties: false });
export type ListWidgetsFilter = Static<typeof ListWidgetsQuery>;

/** What the public feed shows of a testimonial: never an email or moderation data. */
export const PublicTestimonialSchema = Type.Object({
  id: Type.String(),
  rating: Nullable(Type.Integer()),
  title: Nullable(Type.String()),
  text: Type.String(),
  author_name: Type.String(),
  author_title: Nullable(Type.String()),
  author_company: Nullable(Type.String()),
  featured: Type.Boolean(),
  // Optional in the type only so the embed's reader compiles before it shows the mark;
  // the feed always sends it.
  verified: Type.Optional(
    Type.Boolean({ description: 'Came through a review request: a verified customer.' }),
  ),
  created_at: Timestamp,
});
export type PublicTestimonial = Static<typeof PublicTestimonialSchema>;

export const RatingSummarySchema = Type.Object({
  count: Type.Integer({ description: 'Approved testimonials matching the filter.' }),
  rating_count: Type.Integer({ description: 'Of those, how many carry a rating.' }),
  average: Nullable(
    Type.Number({ description: 'Mean rating, cut (not rounded) to 2 decimals; null if none.' }),
  ),
  rating_rounded: Nullable(
    Type.Number({ description: 'Mean rating snapped to the nearest half star, halves up.' }),
  ),
});
export type RatingSummary = Static<typeof RatingSummarySchema>;

export const PublicFeedSchema = Type.Object({
  widget: Type.Object({ id: Type.String(), kind: Kind, settings: Type.Ref(WidgetSettingsSchema) }),
  summary: RatingSummarySchema,
  testimonials: Type.Array(PublicTestimonialSchema),
});
export type PublicFeed = Static<typeof PublicFeedSchema>;
