import type { PublicFeed, PublicTestimonial } from '../../src/widgets/schema.js';

export type Feed = Pick<PublicFeed, 'summary' | 'testimonials'>;

/** Past this the widget gives up and removes itself. */
export const FEED_TIMEOUT_MS = 8_000;

const inFlight = new Map<string, Promise<unknown>>();

/**
 * Fetches a feed's JSON without cookies. Rejects on network errors, non-2xx answers, bad
 * JSON and timeouts alike; the caller treats every rejection the same, silently.
 * Placeholders of the same widget appearing together share one request.
 */
export function loadFeed(url: string): Promise<unknown> {
  let pending = inFlight.get(url);
  if (pending) return pending;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FEED_TIMEOUT_MS);
  pending = fetch(url, { credentials: 'omit', signal: controller.signal })
    .then((response) => {
      if (!response.ok) throw new Error('feed unavailable');
      return response.json() as Promise<unknown>;
    })
    .finally(() => {
      clearTimeout(timer);
      inFlight.delete(url);
    });
  inFlight.set(url, pending);
  return pending;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function readTestimonial(raw: unknown): PublicTestimonial | null {
  const item = raw as Record<string, unknown> | null;
  if (!item || typeof item !== 'object') return null;
  const body = text(item.text);
  const name = text(item.author_name);
  if (!body || !name) return null;
  const rating = item.rating;
  return {
    id: String(item.id),
    rating: typeof rating === 'number' && rating >= 1 && rating <= 5 ? Math.round(rating) : null,
    title: text(item.title),
    text: body,
    author_name: name,
    author_title: text(item.author_title),
    author_company: text(item.author_company),
    featured: item.featured === true,
    created_at: String(item.created_at),
  };
}

/** Checks the shape instead of trusting it: a proxy's error page or a changed API renders nothing. */
export function readFeed(json: unknown): Feed | null {
  const feed = json as Record<string, unknown> | null;
  if (!feed || typeof feed !== 'object' || !Array.isArray(feed.testimonials)) return null;
  const testimonials = feed.testimonials
    .map(readTestimonial)
    .filter((t): t is PublicTestimonial => t !== null);
  return { summary: feed.summary as Feed['summary'], testimonials };
}
