import type { WidgetKind } from '../schema.js';

/**
 * The height each layout occupies, kept from the first paint (before any data) to the
 * rendered widget, so the page around it never moves (CLS 0). Wall layouts show what
 * fits and offer "show more"; the slider and the single card clamp their text; the popup
 * floats over the page and takes no space. A host overrides it with the
 * `--showtrust-reserve` custom property on the placeholder.
 */
export const RESERVE_REM: Readonly<Record<WidgetKind, number>> = {
  grid: 36,
  masonry: 36,
  list: 32,
  slider: 20,
  single: 18,
  badge: 2.75,
  popup: 0,
};

/** Of that height, the row under the layout: "show more", the slider's place, "Powered by". */
export const FOOT_REM = 4;

/** The same height in CSS pixels at the default 16 px root size: an iframe's `height`. */
export function reservePx(kind: WidgetKind): number {
  return Math.round(RESERVE_REM[kind] * 16);
}
