import type { PublicTestimonial } from '../../src/widgets/schema.js';
import { el } from './dom.js';
import type { Feed } from './feed.js';
import { LABELS } from './labels.js';

const MAX_STARS = 5;

/**
 * Dates show the UTC calendar day of `created_at`, in the page's language: a date-only
 * import (stored as midnight UTC) reads as the same day in every time zone.
 */
export function dateFormatter(lang: string | undefined): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  };
  try {
    return new Intl.DateTimeFormat(lang, options);
  } catch {
    // An invalid `lang` attribute on the host page: fall back to the browser's language.
    return new Intl.DateTimeFormat(undefined, options);
  }
}

function stars(rating: number): HTMLElement {
  const row = el('p', 'st-stars');
  row.setAttribute('role', 'img');
  row.setAttribute('aria-label', LABELS.stars(rating));
  row.append(el('span', 'st-on', '★'.repeat(rating)));
  if (rating < MAX_STARS) row.append(el('span', 'st-off', '★'.repeat(MAX_STARS - rating)));
  return row;
}

/** `dir="auto"` lets each piece of customer text take its own direction (Arabic, Hebrew…). */
function textBlock(className: string, value: string): HTMLElement {
  const node = el('p', className, value);
  node.dir = 'auto';
  return node;
}

function card(item: PublicTestimonial, dates: Intl.DateTimeFormat): HTMLElement {
  const li = el('li', 'st-card');
  if (item.rating !== null) li.append(stars(item.rating));
  if (item.title) li.append(textBlock('st-title', item.title));
  li.append(textBlock('st-text', item.text));

  const author = el('footer', 'st-author');
  author.append(textBlock('st-name', item.author_name));
  const role = [item.author_title, item.author_company].filter(Boolean).join(' · ');
  if (role) author.append(textBlock('st-role', role));
  const created = new Date(item.created_at);
  if (!Number.isNaN(created.getTime())) {
    const time = el('time', 'st-date', dates.format(created));
    time.dateTime = item.created_at;
    author.append(time);
  }
  li.append(author);
  return li;
}

/** The grid layout: a list of cards, as many columns as fit. */
export function renderGrid(feed: Feed, lang: string | undefined): HTMLElement {
  const dates = dateFormatter(lang);
  const list = el('ul', 'st-grid');
  // An explicit role: some browsers drop list semantics when list-style is none.
  list.setAttribute('role', 'list');
  list.setAttribute('aria-label', LABELS.list);
  for (const item of feed.testimonials) list.append(card(item, dates));
  return list;
}
