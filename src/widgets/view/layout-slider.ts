import { card } from './card.js';
import { foot, widgetRoot } from './frame.js';
import { h, type VNode } from './node.js';
import { formatNumber } from './text.js';
import { SLIDE_EXCERPT } from './fixed-card.js';
import type { WidgetView } from './view-model.js';

export const SLIDER_CSS =
  '.st-slides{height:calc(var(--showtrust-reserve,var(--st-h)) - 64px)}.st-slide{height:100%}' +
  '.st-slider>.st-foot{margin:0 0 16px}' +
  '.st-slide.st-enter{animation:st-fade .3s ease-out}' +
  '.st-status{color:var(--st-muted);font-size:.875em}' +
  '.st-static .st-slides{height:auto;display:flex;gap:1rem;overflow-x:auto;' +
  'scroll-snap-type:x mandatory}.st-static .st-slide{flex:0 0 min(100%,22rem);scroll-snap-align:start}';

function arrows(view: WidgetView): [string, string] {
  return view.direction === 'rtl' ? ['→', '←'] : ['←', '→'];
}

/**
 * One slide at a time (WAI-ARIA APG carousel): the rotation control first, slides that
 * are not shown are `hidden` (so nothing in them can be focused or read), no clones.
 */
export function renderSlider(view: WidgetView): VNode {
  const { labels, state } = view;
  const total = formatNumber(view.items.length, view.language);
  const live = view.mode === 'live';
  const shown = view.items.length > 0 ? state.index % view.items.length : 0;
  const slides = view.items.map((item, i) =>
    h(
      'div',
      {
        class: live && i === shown ? 'st-slide st-enter' : 'st-slide',
        'data-id': item.id,
        role: 'group',
        'aria-roledescription': 'slide',
        'aria-label': labels.slide(formatNumber(i + 1, view.language), total),
        hidden: live && i !== shown,
      },
      card(item, view, {
        tag: 'div',
        excerptLength: Math.min(view.display.excerpt_length, SLIDE_EXCERPT),
        fixed: live,
      }),
    ),
  );
  const [previous, next] = arrows(view);
  const controls = live && [
    h(
      'button',
      { class: 'st-btn', type: 'button', 'data-st': 'toggle' },
      state.paused ? labels.play : labels.pause,
    ),
    h(
      'button',
      { class: 'st-btn', type: 'button', 'data-st': 'prev', 'aria-label': labels.previous },
      previous,
    ),
    h(
      'button',
      { class: 'st-btn', type: 'button', 'data-st': 'next', 'aria-label': labels.next },
      next,
    ),
    h(
      'span',
      { class: 'st-status', 'aria-live': 'off', 'data-st': 'status' },
      labels.slide(formatNumber(shown + 1, view.language), total),
    ),
  ];
  const track = h(
    'div',
    live
      ? // Announced only while nothing rotates by itself (APG carousel).
        { class: 'st-slides', 'aria-live': state.paused ? 'polite' : 'off' }
      : { class: 'st-slides', tabindex: 0, role: 'region', 'aria-label': labels.list },
    slides,
  );
  return widgetRoot(
    view,
    h(
      'section',
      { class: 'st-slider', 'aria-roledescription': 'carousel', 'aria-label': labels.list },
      live ? [foot(view, controls), track] : [track, foot(view)],
    ),
  );
}
