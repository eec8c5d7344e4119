import { DEFAULT_WIDGET_SETTINGS } from '../../../src/widgets/defaults.js';
import type {
  PublicTestimonial,
  RatingSummary,
  WidgetDisplay,
  WidgetKind,
} from '../../../src/widgets/schema.js';
import { safeImageUrl } from '../../../src/widgets/view/urls.js';

/** The feed as the widget uses it, checked field by field (a proxy's page or a changed API renders nothing). */
export interface Feed {
  id: string;
  kind: WidgetKind;
  slug: string;
  display: WidgetDisplay;
  poweredBy: boolean;
  version: number;
  summary: RatingSummary;
  testimonials: PublicTestimonial[];
  nextCursor: string | null;
  jsonLd: Record<string, unknown> | null;
}

type Loose = Record<string, unknown>;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;

const rating = (value: unknown): number | null =>
  typeof value === 'number' && value >= 1 && value <= 5 ? value : null;

export function readTestimonial(raw: unknown, ownOrigin: string): PublicTestimonial | null {
  const item = raw as Loose | null;
  if (!item || typeof item !== 'object') return null;
  const body = text(item.text);
  const name = text(item.author_name);
  const id = text(item.id);
  if (!body || !name || !id) return null;
  return {
    id,
    rating: rating(item.rating) === null ? null : Math.round(item.rating as number),
    title: text(item.title),
    text: body,
    author_name: name,
    author_title: text(item.author_title),
    author_company: text(item.author_company),
    author_avatar_url: safeImageUrl(text(item.author_avatar_url), ownOrigin),
    featured: item.featured === true,
    verified: item.verified === true,
    created_at: String(item.created_at),
  };
}

export function readTestimonials(raw: unknown, ownOrigin: string): PublicTestimonial[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .map((item) => readTestimonial(item, ownOrigin))
    .filter((t): t is PublicTestimonial => t !== null);
}

/** Each display setting of its own type, else its default. */
function readDisplay(raw: unknown): WidgetDisplay {
  const given = (raw && typeof raw === 'object' ? raw : {}) as Loose;
  const display = {} as Loose;
  const defaults = DEFAULT_WIDGET_SETTINGS as unknown as Loose;
  for (const key in defaults) {
    const fallback = defaults[key];
    const value = given[key];
    display[key] =
      typeof value === typeof fallback || (fallback === null && typeof value === 'string')
        ? value
        : fallback;
  }
  return display as unknown as WidgetDisplay;
}

export function readSummary(raw: unknown): RatingSummary {
  const summary = (raw && typeof raw === 'object' ? raw : {}) as Loose;
  const average = rating(summary.average);
  const rounded = rating(summary.rating_rounded);
  return {
    count: count(summary.count),
    rating_count: count(summary.rating_count),
    average: average !== null && rounded !== null ? average : null,
    rating_rounded: average !== null && rounded !== null ? rounded : null,
  };
}

export function readFeed(json: unknown, ownOrigin: string): Feed | null {
  const feed = json as Loose | null;
  if (!feed || typeof feed !== 'object' || !Array.isArray(feed.testimonials)) return null;
  const widget = (feed.widget ?? {}) as Loose;
  const id = text(widget.id);
  if (!id) return null;
  const jsonLd = feed.json_ld;
  return {
    id,
    kind: widget.kind as WidgetKind,
    slug: text(widget.slug) ?? id,
    display: readDisplay(widget.display),
    poweredBy: (feed.branding as Loose | undefined)?.powered_by !== false,
    version: count(feed.version),
    summary: readSummary(feed.summary),
    testimonials: readTestimonials(feed.testimonials, ownOrigin),
    nextCursor: text(feed.next_cursor),
    jsonLd: jsonLd && typeof jsonLd === 'object' ? (jsonLd as Record<string, unknown>) : null,
  };
}
