import type { WidgetKind } from '../schema.js';
import { BASE_CSS } from './base-styles.js';
import { BADGE_CSS, renderBadge } from './layout-badge.js';
import { POPUP_CSS, renderPopup } from './layout-popup.js';
import { SINGLE_CSS, renderSingle } from './layout-single.js';
import { FIXED_CARD_CSS } from './fixed-card.js';
import { SLIDER_CSS, renderSlider } from './layout-slider.js';
import { GRID_CSS } from './layout-grid.js';
import { LIST_CSS } from './layout-list.js';
import { MASONRY_CSS } from './layout-masonry.js';
import { WALL_CSS, renderWall } from './layout-wall.js';
import type { VNode } from './node.js';
import { COMMON_CSS } from './styles.js';
import type { WidgetView } from './view-model.js';

/** The server's dispatch; the browser loads one of these through its layout's chunk. */
export const RENDERERS: Record<WidgetKind, (view: WidgetView) => VNode> = {
  grid: renderWall,
  masonry: renderWall,
  list: renderWall,
  slider: renderSlider,
  single: renderSingle,
  badge: renderBadge,
  popup: renderPopup,
};

/** Every layout's styles at once, for our own pages and the server-rendered HTML. */
export const ALL_CSS = [
  BASE_CSS,
  COMMON_CSS,
  WALL_CSS,
  GRID_CSS,
  MASONRY_CSS,
  LIST_CSS,
  FIXED_CARD_CSS,
  SLIDER_CSS,
  SINGLE_CSS,
  BADGE_CSS,
  POPUP_CSS,
].join('');
