import type { PublicTestimonial } from '../schema.js';
import { h, type VNode } from './node.js';
import { excerpt, formatDate, formatNumber, initials } from './text.js';
import { safeImageUrl } from './urls.js';
import type { WidgetView } from './view-model.js';

const MAX_STARS = 5;

/** Stars as text for the eye and one phrase for screen readers (children are presentational). */
export function starRow(rating: number, view: WidgetView): VNode {
  const full = Math.max(0, Math.min(MAX_STARS, Math.round(rating)));
  return h(
    'p',
    {
      class: 'st-stars',
      role: 'img',
      'aria-label': view.labels.stars(formatNumber(full, view.language)),
    },
    h('span', {}, '★'.repeat(full)),
    full < MAX_STARS && h('span', { class: 'st-off' }, '★'.repeat(MAX_STARS - full)),
  );
}

/** `dir="auto"`: each piece of customer text takes its own direction (Arabic, Hebrew…). */
function customerText(tag: string, className: string, text: string): VNode {
  return h(tag, { class: className, dir: 'auto' }, text);
}

function avatar(item: PublicTestimonial, view: WidgetView): VNode {
  const src = safeImageUrl(item.author_avatar_url, view.ownOrigin);
  if (src) {
    return h('img', {
      class: 'st-avatar',
      src,
      alt: '',
      width: 40,
      height: 40,
      loading: 'lazy',
      decoding: 'async',
      referrerpolicy: 'no-referrer',
    });
  }
  return h('span', { class: 'st-avatar', 'aria-hidden': 'true' }, initials(item.author_name));
}

function author(item: PublicTestimonial, view: WidgetView): VNode {
  const { display, labels } = view;
  const role = [item.author_title, item.author_company].filter(Boolean).join(' · ');
  const date = display.show_date ? formatDate(item.created_at, view.language) : null;
  return h(
    'footer',
    { class: 'st-author' },
    display.show_photo && avatar(item, view),
    h(
      'div',
      { class: 'st-who' },
      h(
        'p',
        {},
        customerText('span', 'st-name', item.author_name),
        item.verified && h('span', { class: 'st-verified' }, `✓ ${labels.verified}`),
      ),
      display.show_company && role && customerText('p', 'st-role', role),
      date && h('time', { class: 'st-date', datetime: item.created_at }, date),
    ),
  );
}

/** "Read more": a button opening the whole text in the browser, a link to the wall without JS. */
function readMore(item: PublicTestimonial, view: WidgetView): VNode {
  if (view.mode === 'static') {
    return h(
      'a',
      { class: 'st-link st-more', href: `${view.wallUrl}#t-${item.id}` },
      view.labels.readMore,
    );
  }
  return h(
    'button',
    {
      class: 'st-link st-more',
      type: 'button',
      'data-st': 'read',
      'data-id': item.id,
      'aria-haspopup': 'dialog',
    },
    view.labels.readMore,
  );
}

export interface CardOptions {
  tag?: string;
  /** Grapheme clusters of text shown; Infinity shows it whole. */
  excerptLength: number;
  /** A fixed-height card (slider, single) whose text gives way first. */
  fixed?: boolean;
  /** An anchor id, on the wall page. */
  anchor?: boolean;
  /** Out of sight (clipped): nothing inside can be focused or read. */
  inert?: boolean;
}

export function card(item: PublicTestimonial, view: WidgetView, options: CardOptions): VNode {
  const body = Number.isFinite(options.excerptLength)
    ? excerpt(item.text, options.excerptLength)
    : { text: item.text, cut: false };
  return h(
    options.tag ?? 'li',
    {
      class: options.fixed ? 'st-card st-fixed' : 'st-card',
      'data-id': item.id,
      id: options.anchor ? `t-${item.id}` : null,
      inert: options.inert,
    },
    view.display.show_rating && item.rating !== null && starRow(item.rating, view),
    item.title && customerText('p', 'st-title', item.title),
    customerText('p', 'st-text', body.text),
    body.cut && readMore(item, view),
    author(item, view),
  );
}
