import { card } from './card.js';
import { h, type ChildInput, type VNode } from './node.js';
import type { WidgetView } from './view-model.js';

/** The root every layout draws into: layout, theme, font, language and direction as attributes. */
export function widgetRoot(view: WidgetView, ...children: ChildInput[]): VNode {
  const { display } = view;
  const classes = [
    'st',
    view.mode === 'static' ? 'st-static' : '',
    view.state.open ? 'st-open' : '',
    display.class_name ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return h(
    'div',
    {
      class: classes,
      'data-layout': view.kind,
      'data-theme': display.theme,
      'data-font': display.font,
      lang: view.language,
      dir: view.direction,
      // A live widget whose last testimonial was just removed folds away instead of
      // leaving an empty box; the badge still says "no reviews yet".
      hidden: view.mode === 'live' && view.items.length === 0 && view.kind !== 'badge',
    },
    ...children,
    readingDialog(view),
  );
}

/** The whole testimonial in a modal dialog ("read more" in a live widget), opened after render. */
function readingDialog(view: WidgetView): VNode | null {
  const item = view.state.reading && view.items.find((t) => t.id === view.state.reading);
  if (view.mode !== 'live' || !item) return null;
  return h(
    'dialog',
    { class: 'st-dialog', 'data-st': 'dialog', 'aria-label': item.author_name },
    card(item, view, { tag: 'div', excerptLength: Number.POSITIVE_INFINITY }),
    h(
      'button',
      { class: 'st-btn st-close', type: 'button', 'data-st': 'close-dialog' },
      view.labels.close,
    ),
  );
}

export function poweredBy(view: WidgetView): VNode | null {
  if (!view.poweredBy) return null;
  return h(
    'a',
    { class: 'st-powered', href: view.wallUrl, target: '_blank', rel: 'noopener' },
    view.labels.poweredBy,
  );
}

/** The row under a layout; it keeps its height even when empty, so the reserve stays exact. */
export function foot(view: WidgetView, ...controls: ChildInput[]): VNode {
  return h('div', { class: 'st-foot' }, ...controls, poweredBy(view));
}
