import type { PublicTestimonial, RatingSummary, WidgetDisplay, WidgetKind } from '../schema.js';
import type { Labels } from './labels.js';

/** What a visitor did to a live widget; layouts draw it, so a re-render keeps it. */
export interface ViewState {
  /** Slider: the slide shown; popup: the testimonial shown. */
  index: number;
  /** Rotation stopped: by the pause button, or from the start under reduced motion. */
  paused: boolean;
  /** Wall: the visitor opened the whole list ("show more"). */
  open: boolean;
  /** Wall: items not wholly inside the reserved height, inert until opened. */
  clippedIds: ReadonlySet<string>;
  /** Popup: dismissed. */
  closed: boolean;
  /** The testimonial whose whole text the dialog shows. */
  reading: string | null;
  /** A next page exists ("load more"). */
  hasMore: boolean;
}

export const INITIAL_STATE: ViewState = {
  index: 0,
  paused: false,
  open: false,
  clippedIds: new Set(),
  closed: false,
  reading: null,
  hasMore: false,
};

/**
 * Everything a layout needs to draw itself. `live` is the embed in a visitor's browser
 * (buttons, a dialog for "read more", timers); `static` is server-rendered HTML that must
 * work with JavaScript off (links instead of buttons, nothing hidden).
 */
export interface WidgetView {
  widgetId: string;
  kind: WidgetKind;
  display: WidgetDisplay;
  language: string;
  direction: 'ltr' | 'rtl' | null;
  labels: Labels;
  mode: 'live' | 'static';
  /** Our origin as the page reaches it (the script's, or PUBLIC_URL): images of it are allowed. */
  ownOrigin: string;
  wallUrl: string;
  poweredBy: boolean;
  summary: RatingSummary;
  items: PublicTestimonial[];
  /** Static mode: where "see all" leads (the wall's next page, or the wall). */
  moreUrl: string;
  state: ViewState;
}

/** The custom properties a widget's colour and radius settings set on its root. */
export function themeProperties(display: WidgetDisplay): [string, string][] {
  const out: [string, string][] = [['--st-r', `${display.corner_radius}px`]];
  const colour = (name: string, value: string | null) => {
    if (value && /^#[0-9a-fA-F]{6}$/.test(value)) out.push([name, value]);
  };
  colour('--st-accent', display.accent_color);
  colour('--st-card', display.background_color);
  colour('--st-fg', display.text_color);
  return out;
}
