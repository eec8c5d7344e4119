import { card } from './card.js';
import { widgetRoot } from './frame.js';
import { h, type VNode } from './node.js';
import type { WidgetView } from './view-model.js';

export const POPUP_EXCERPT = 110;

export const POPUP_CSS =
  '.st-popup{position:fixed;z-index:2147483000;inset-block-end:1rem;inset-inline-end:1rem;' +
  'width:min(22rem,calc(100vw - 2rem));box-shadow:0 8px 24px rgba(0,0,0,.2)}' +
  '.st-popup[data-position=bottom-start]{inset-inline-end:auto;inset-inline-start:1rem}' +
  '.st-popup.st-enter{animation:st-fade .3s ease-out}' +
  '.st-actions{display:flex;flex-wrap:wrap;gap:.5rem}' +
  '.st-static .st-popup{position:static;box-shadow:none;width:auto}';

/** The corner notification: one recent testimonial at a time, with pause and close. */
export function renderPopup(view: WidgetView): VNode {
  const { state } = view;
  const item = view.items.length > 0 ? view.items[state.index % view.items.length] : undefined;
  if (view.mode === 'static') {
    return widgetRoot(
      view,
      item ? card(item, view, { tag: 'div', excerptLength: POPUP_EXCERPT }) : null,
    );
  }
  if (!item || state.closed) return widgetRoot(view);
  const { labels } = view;
  const shown = card(item, view, { tag: 'div', excerptLength: POPUP_EXCERPT });
  shown.tag = 'aside';
  shown.attrs = {
    ...shown.attrs,
    class: 'st-card st-popup st-enter',
    'aria-label': labels.popup,
    'data-position': view.display.popup_position,
  };
  shown.children.push(
    h(
      'div',
      { class: 'st-actions' },
      h(
        'button',
        { class: 'st-btn', type: 'button', 'data-st': 'toggle' },
        state.paused ? labels.play : labels.pause,
      ),
      h('button', { class: 'st-btn', type: 'button', 'data-st': 'close' }, labels.close),
    ),
  );
  return widgetRoot(view, shown);
}
