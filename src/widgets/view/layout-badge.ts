import { widgetRoot } from './frame.js';
import { h, type VNode } from './node.js';
import { formatNumber } from './text.js';
import type { WidgetView } from './view-model.js';

export const BADGE_CSS =
  '.st-badge{position:relative;display:inline-flex;align-items:center;gap:.5rem;max-width:100%;' +
  'height:44px;padding:0 .875rem;overflow:hidden;white-space:nowrap;' +
  'border:1px solid var(--st-border);border-radius:999px;background:var(--st-card);' +
  'color:var(--st-fg);text-decoration:none}.st-badge strong{font-weight:600}' +
  '.st-badge .st-count{color:var(--st-muted)}' +
  '.st-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}' +
  '.st-half{background:linear-gradient(90deg,var(--st-star) 50%,var(--st-off) 50%);' +
  '-webkit-background-clip:text;background-clip:text;color:transparent}' +
  '.st-half:dir(rtl){background:linear-gradient(270deg,var(--st-star) 50%,var(--st-off) 50%);' +
  '-webkit-background-clip:text;background-clip:text}';

/** The summary's stars in halves, for the eye only: the link's label says the number. */
function halfStars(rounded: number): VNode {
  const full = Math.floor(rounded);
  const half = rounded - full >= 0.5 ? 1 : 0;
  const off = 5 - full - half;
  return h(
    'span',
    { class: 'st-stars', 'aria-hidden': 'true' },
    h('span', {}, '★'.repeat(full)),
    half > 0 && h('span', { class: 'st-half' }, '★'),
    off > 0 && h('span', { class: 'st-off' }, '★'.repeat(off)),
  );
}

/** Average and count linking to the wall; no reviews reads "no reviews yet", never 0 stars (C14). */
export function renderBadge(view: WidgetView): VNode {
  const { summary, labels, language } = view;
  if (summary.average === null || summary.rating_rounded === null) {
    return widgetRoot(view, h('a', { class: 'st-badge', href: view.wallUrl }, labels.noReviews));
  }
  const average = formatNumber(summary.average, language);
  const count = formatNumber(summary.rating_count, language);
  const stars = halfStars(summary.rating_rounded);
  return widgetRoot(
    view,
    h(
      'a',
      { class: 'st-badge', href: view.wallUrl },
      stars,
      h('strong', {}, average),
      // The link's name reads "4.5 out of 5, 12 reviews" and contains every visible word.
      h('span', { class: 'st-sr' }, ` ${labels.outOfFive}, `),
      h('span', { class: 'st-count' }, labels.reviews(summary.rating_count, count)),
    ),
  );
}
