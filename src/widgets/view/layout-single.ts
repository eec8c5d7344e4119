import { card } from './card.js';
import { foot, widgetRoot } from './frame.js';
import { SLIDE_EXCERPT } from './fixed-card.js';
import { h, type VNode } from './node.js';
import type { WidgetView } from './view-model.js';

export const SINGLE_CSS =
  '.st-one{height:calc(var(--showtrust-reserve,var(--st-h)) - 64px)}.st-static .st-one{height:auto}';

/** One testimonial, the first in the widget's order (featured first, typically). */
export function renderSingle(view: WidgetView): VNode {
  const first = view.items[0];
  const excerptLength = Math.min(view.display.excerpt_length, SLIDE_EXCERPT);
  return widgetRoot(
    view,
    h(
      'div',
      { class: 'st-one', role: 'region', 'aria-label': view.labels.list },
      first && card(first, view, { tag: 'div', excerptLength, fixed: view.mode === 'live' }),
    ),
    foot(view),
  );
}
