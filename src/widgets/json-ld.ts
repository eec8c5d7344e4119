import type { PublicTestimonial, RatingSummary, WidgetDisplay } from './schema.js';

const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[^\s@<>()[\]"',;:]+/g;

/** Markup is read by crawlers far beyond the page: an address typed into a review stays out. */
function withoutEmails(text: string): string {
  return text.replace(EMAIL, '[email removed]');
}

/**
 * schema.org markup for the testimonials a page shows (C15): one item of the type the
 * widget names (never Organization or LocalBusiness: the settings schema has no such
 * choice, since reviews a business shows about itself are not eligible there), one
 * AggregateRating on it with the summary's `average` (the one rating rule, the number
 * the badge shows), and a Review with reviewRating and author for each rated
 * testimonial. Nothing when the widget does not ask for it or nothing is rated (C14:
 * never an AggregateRating of 0).
 */
export function buildJsonLd(
  display: WidgetDisplay,
  summary: RatingSummary,
  items: PublicTestimonial[],
): Record<string, unknown> | null {
  if (!display.json_ld || !display.json_ld_name) return null;
  if (summary.rating_count === 0 || summary.average === null) return null;

  const reviews = items
    .filter((item) => item.rating !== null)
    .map((item) => ({
      '@type': 'Review',
      ...(item.title ? { name: withoutEmails(item.title) } : {}),
      reviewBody: withoutEmails(item.text),
      datePublished: item.created_at.slice(0, 10),
      reviewRating: {
        '@type': 'Rating',
        ratingValue: item.rating,
        bestRating: 5,
        worstRating: 1,
      },
      author: { '@type': 'Person', name: withoutEmails(item.author_name) },
    }));
  return {
    '@context': 'https://schema.org',
    '@type': display.json_ld_type,
    name: display.json_ld_name,
    aggregateRating: {
      '@type': 'AggregateRating',
      ratingValue: summary.average,
      bestRating: 5,
      worstRating: 1,
      ratingCount: summary.rating_count,
    },
    ...(reviews.length > 0 ? { review: reviews } : {}),
  };
}

/** JSON for inside a `<script>` element: `<` escaped, so no text can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
