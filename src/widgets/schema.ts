import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';

/** Layouts a widget can have. Each is one view in src/widgets/view and one chunk in web/widget. */
export const WIDGET_KINDS = [
  'grid',
  'masonry',
  'slider',
  'list',
  'single',
  'badge',
  'popup',
] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];

export const WIDGET_ORDERS = [
  'newest',
  'highest_rated',
  'featured_first',
  'random',
  'stratified',
] as const;
export type WidgetOrder = (typeof WIDGET_ORDERS)[number];

/** Languages of the built-in labels; `auto` follows the host page's `lang`. */
export const WIDGET_LANGUAGES = ['en', 'de', 'fr', 'es', 'ar'] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

/**
 * schema.org types Google accepts review snippets for, minus the two it refuses for
 * reviews a business shows about itself: Organization and LocalBusiness.
 */
export const JSON_LD_ITEM_TYPES = [
  'Product',
  'SoftwareApplication',
  'Book',
  'Course',
  'CreativeWorkSeason',
  'CreativeWorkSeries',
  'Episode',
  'Event',
  'Game',
  'HowTo',
  'MediaObject',
  'Movie',
  'MusicPlaylist',
  'MusicRecording',
  'Recipe',
] as const;

export const MAX_FILTER_TAGS = 20;
export const MAX_FILTER_FORMS = 20;
export const MAX_FILTER_IDS = 100;

const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

const Kind = literals(WIDGET_KINDS, 'Layout of the widget.');
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Tag = Type.String({ minLength: 1, maxLength: 50, pattern: '^\\S(.*\\S)?$' });
/** Lower-case words joined by single hyphens: safe in a URL path and in HTML as it is. */
export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
const Slug = Type.String({ minLength: 3, maxLength: 64, pattern: SLUG_PATTERN });
const Colour = Nullable(
  Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: '`#rrggbb`; null keeps the theme.' }),
);
const Toggle = (description: string) => Type.Boolean({ description });

/*
 * Settings carry no `default` keywords: ajv fills defaults even into optional properties,
 * which would overwrite stored values on a partial update. Defaults live in
 * DEFAULT_WIDGET_SETTINGS and are merged in code, also over rows stored before a
 * setting existed.
 */
const filterFields = {
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
  ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: MAX_FILTER_IDS,
    uniqueItems: true,
    description: 'Only these testimonials (still only approved ones); empty means any.',
  }),
  order: literals(
    WIDGET_ORDERS,
    '`random` is a shuffle that changes once a day (UTC); `stratified` interleaves ratings ' +
      'in proportion to how often each occurs, newest first within each.',
  ),
  limit: Type.Integer({
    minimum: 1,
    maximum: 100,
    description: 'Testimonials per page; "load more" fetches the next page.',
  }),
};

const displayFields = {
  load_more: Toggle('Offer "load more" while more testimonials match.'),
  show_photo: Toggle("The author's photo, or their initials when there is none."),
  show_rating: Toggle('Stars on each testimonial.'),
  show_date: Toggle('The date of each testimonial (its UTC calendar day).'),
  show_company: Toggle("The author's job title and company."),
  theme: literals(['light', 'dark', 'auto'], '`auto` follows the visitor’s colour scheme.'),
  accent_color: Colour,
  background_color: Colour,
  text_color: Colour,
  font: literals(['inherit', 'system'], '`inherit` uses the host page’s font.'),
  corner_radius: Type.Integer({ minimum: 0, maximum: 24, description: 'Card corners, px.' }),
  language: literals(['auto', ...WIDGET_LANGUAGES], 'Language of the built-in labels.'),
  class_name: Nullable(
    Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_-]{0,63}$',
      description: 'An extra class on the widget’s root element (letters, digits, - and _).',
    }),
  ),
  excerpt_length: Type.Integer({
    minimum: 60,
    maximum: 2000,
    description: 'Characters (grapheme clusters) shown before "read more".',
  }),
  autoplay: Toggle('Slider and popup advance by themselves (never under reduced motion).'),
  autoplay_interval_ms: Type.Integer({ minimum: 3000, maximum: 30000 }),
  popup_position: literals(['bottom-end', 'bottom-start'], 'Corner of the popup.'),
  live: Toggle('Show approvals and removals without a reload (server-sent events).'),
  json_ld: Toggle('Add schema.org Review and AggregateRating markup.'),
  json_ld_type: literals(JSON_LD_ITEM_TYPES, 'What the reviews are about.'),
  json_ld_name: Nullable(
    Type.String({ minLength: 1, maxLength: 200, description: 'Name of the reviewed item.' }),
  ),
};

const settingsFields = { ...filterFields, ...displayFields };
export const DISPLAY_SETTING_KEYS = Object.keys(displayFields) as (keyof typeof displayFields)[];

export const WidgetSettingsSchema = Type.Object(settingsFields, {
  $id: 'WidgetSettings',
  additionalProperties: false,
});
export type WidgetSettings = Static<typeof WidgetSettingsSchema>;

/** The settings a visitor's browser needs to draw the widget: no filters, no form ids. */
export const WidgetDisplaySchema = Type.Object(displayFields, { $id: 'WidgetDisplay' });
export type WidgetDisplay = Static<typeof WidgetDisplaySchema>;

const SettingsPatch = Type.Partial(Type.Object(settingsFields), { additionalProperties: false });
export type WidgetSettingsPatch = Static<typeof SettingsPatch>;

export const WidgetSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('widget'),
    name: Type.String(),
    kind: Kind,
    slug: Type.String({ description: 'Public name of the wall page; the id until one is set.' }),
    settings: Type.Ref(WidgetSettingsSchema),
    embed: Type.Object({
      script: Type.String({ description: 'HTML to paste into any page where the widget shows.' }),
      iframe: Type.String({ description: 'The same widget in an iframe that sizes itself.' }),
      html_url: Type.String({ description: 'Server-rendered HTML to inline at build time.' }),
      wall_url: Type.String({ description: 'The hosted wall-of-love page.' }),
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
    slug: Type.Optional(Slug),
    settings: Type.Optional(SettingsPatch),
  },
  { additionalProperties: false },
);
export type CreateWidgetInput = Static<typeof CreateWidgetBody>;

export const UpdateWidgetBody = Type.Object(
  {
    name: Type.Optional(Name),
    kind: Type.Optional(Kind),
    slug: Type.Optional(Slug),
    settings: Type.Optional(SettingsPatch),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWidgetInput = Static<typeof UpdateWidgetBody>;

export const ListWidgetsQuery = Type.Object(ListQueryBase, { additionalProperties: false });
export type ListWidgetsFilter = Static<typeof ListWidgetsQuery>;

export const WidgetBrandingSchema = Type.Object(
  {
    object: Type.Literal('widget_branding'),
    white_label: Type.Boolean({
      description: 'Hide the "Powered by ShowTrust" link in every widget of the workspace.',
    }),
    updated_at: Nullable(Timestamp),
  },
  { $id: 'WidgetBranding' },
);
export type WidgetBranding = Static<typeof WidgetBrandingSchema>;

export const UpdateWidgetBrandingBody = Type.Object(
  { white_label: Type.Boolean() },
  { additionalProperties: false },
);
export type UpdateWidgetBrandingInput = Static<typeof UpdateWidgetBrandingBody>;

/** What the public feed shows of a testimonial: never an email or moderation data. */
export const PublicTestimonialSchema = Type.Object({
  id: Type.String(),
  rating: Nullable(Type.Integer()),
  title: Nullable(Type.String()),
  text: Type.String(),
  author_name: Type.String(),
  author_title: Nullable(Type.String()),
  author_company: Nullable(Type.String()),
  author_avatar_url: Nullable(
    Type.String({ description: 'Only `https:` URLs or our own; anything else is left out.' }),
  ),
  featured: Type.Boolean(),
  verified: Type.Boolean({ description: 'Came through a review request: a verified customer.' }),
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
  widget: Type.Object({
    id: Type.String(),
    kind: Kind,
    slug: Type.String(),
    display: Type.Ref(WidgetDisplaySchema),
  }),
  branding: Type.Object({
    powered_by: Type.Boolean({ description: 'Show the "Powered by ShowTrust" link.' }),
  }),
  version: Type.Integer({
    description: 'Content version this page was built at: pass it to the stream as `since`.',
  }),
  summary: RatingSummarySchema,
  testimonials: Type.Array(PublicTestimonialSchema),
  next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page.' })),
  json_ld: Nullable(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'schema.org markup of the first page when the widget asks for it.',
    }),
  ),
});
export type PublicFeed = Static<typeof PublicFeedSchema>;

export const FeedQuery = Type.Object({
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('html')], {
      description: '`html`: the layout rendered on the server, readable with JavaScript off.',
    }),
  ),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}\\.[0-9a-z_]{1,64}$' })),
  lang: Type.Optional(
    Type.Union(
      WIDGET_LANGUAGES.map((l) => Type.Literal(l)),
      { description: 'Label language of `format=html` when the widget says `auto`.' },
    ),
  ),
});
export type FeedQueryInput = Static<typeof FeedQuery>;
