import type { WidgetKind } from '../schema.js';
import { card } from './card.js';
import { foot, widgetRoot } from './frame.js';
import { h, type VNode } from './node.js';
import type { WidgetView } from './view-model.js';

/**
 * Grid, masonry and list show what fits the reserved height; "show more" opens the rest.
 * A live wall with fewer cards than fill it still holds the whole reserve (the space under
 * its cards stays empty): the embed code is pasted once and the host's font and width
 * decide a card's height, so no reservation made before the data could match a short wall,
 * and giving the difference back would move the page below.
 */
export const WALL_CSS =
  '.st:not(.st-static){min-height:var(--showtrust-reserve,var(--st-h))}' +
  '.st-clip{max-height:calc(var(--showtrust-reserve,var(--st-h)) - 64px);overflow:hidden}' +
  '.st-clipped{-webkit-mask-image:linear-gradient(#000 calc(100% - 4rem),transparent);' +
  'mask-image:linear-gradient(#000 calc(100% - 4rem),transparent)}' +
  '.st-open .st-clip,.st-static .st-clip{max-height:none;-webkit-mask-image:none;mask-image:none}' +
  '.st-items{list-style:none}';

const WALL_CLASS: Partial<Record<WidgetKind, string>> = {
  grid: 'st-grid',
  masonry: 'st-masonry',
  list: 'st-list',
};

/** Grid, masonry and list: every card in one list; the live widget clips it to its height. */
export function renderWall(view: WidgetView): VNode {
  const { state, labels } = view;
  const live = view.mode === 'live';
  const clipped = live && !state.open && state.clippedIds.size > 0;
  const list = h(
    'ul',
    {
      class: `st-items ${WALL_CLASS[view.kind] ?? 'st-grid'}`,
      role: 'list',
      'aria-label': labels.list,
    },
    view.items.map((item) =>
      card(item, view, {
        excerptLength: view.display.excerpt_length,
        anchor: !live,
        inert: clipped && state.clippedIds.has(item.id),
      }),
    ),
  );
  const more = live
    ? h(
        'button',
        { class: 'st-btn', type: 'button', 'data-st': 'more', hidden: !clipped && !state.hasMore },
        clipped ? labels.showMore : labels.loadMore,
      )
    : h('a', { class: 'st-link', href: view.moreUrl }, labels.seeAll);
  return widgetRoot(
    view,
    h('div', { class: clipped ? 'st-clip st-clipped' : 'st-clip' }, list),
    foot(view, more),
  );
}
