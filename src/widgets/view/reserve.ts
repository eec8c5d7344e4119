import type { WidgetKind } from '../schema.js';

/**
 * The height each layout occupies, in CSS pixels, kept from the first paint to the
 * rendered widget so the page around it never moves (CLS 0). The embed code carries it
 * as a spacer inside the placeholder, so even a script that arrives after the first
 * paint moves nothing; the loader's reserved box and the rendered layout have the same
 * height. Wall layouts show what fits and offer "show more", and hold the height when
 * fewer cards than fill it are shown; the slider and the single card clamp their text; the popup floats over the page and takes no space. A host can
 * set its own with the `--showtrust-reserve` custom property (and the same spacer height).
 */
export const RESERVE_PX: Readonly<Record<WidgetKind, number>> = {
  grid: 576,
  masonry: 576,
  list: 512,
  slider: 320,
  single: 288,
  badge: 44,
  popup: 0,
};

/** Of that height, the row under the layout: "show more", the slider's controls, "Powered by". */
export const FOOT_PX = 64;

/**
 * When a loader that never ran (our server unreachable) gives the reserved space back,
 * counted from the page's load event: Chromium starts the animations of parsed SVG there.
 */
export const SPACER_TIMEOUT_S = 8;

/**
 * The placeholder a page includes: with a spacer that holds the layout's height from the
 * first paint, without CSS (a `display` presentation attribute, which no CSP governs). It
 * is assigned to no slot, so once the shadow root is attached it is not shown, and the
 * fallback after a failure (the default slot) never shows it either. If the script
 * fails to load, an SVG `<set>` folds it to nothing after SPACER_TIMEOUT_S: no blank box
 * stays behind, and no script is needed for that.
 */
export function placeholderHtml(id: string, kind: WidgetKind): string {
  const height = RESERVE_PX[kind];
  const spacer = height
    ? `<svg slot="reserve" width="1" height="${height}" display="block" aria-hidden="true">` +
      `<set attributeName="height" to="0" begin="${SPACER_TIMEOUT_S}s" fill="freeze"/></svg>`
    : '';
  return `<div data-showtrust-widget="${id}" data-showtrust-layout="${kind}">${spacer}</div>`;
}
