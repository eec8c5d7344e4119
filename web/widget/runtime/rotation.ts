import type { ViewState } from '../../../src/widgets/view/view-model.js';
import type { Feed } from './read-feed.js';
import type { LiveWidget } from './widget.js';

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

function prefersReducedMotion(): MediaQueryList | null {
  return typeof matchMedia === 'function' ? matchMedia(REDUCED_MOTION) : null;
}

/** Paused from the first paint when the widget says so or the visitor asks for less motion. */
export function startsPaused(feed: Feed): Partial<ViewState> {
  return { paused: !feed.display.autoplay || prefersReducedMotion()?.matches === true };
}

/**
 * Automatic advance for the slider and the popup (C11): never under
 * `prefers-reduced-motion` (it starts paused with a visible play button, and switching
 * the setting on while the page is open pauses it); paused while the pointer is over the
 * widget or focus is inside it; a pause button always present. Returns the pause/resume
 * hooks the widget calls when its placeholder leaves the page.
 */
export function rotate(widget: LiveWidget, advance: () => void) {
  const { display } = widget.feed;
  const motion = prefersReducedMotion();
  let hovering = false;
  let focused = false;
  let detached = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const schedule = () => {
    clearInterval(timer);
    timer = undefined;
    const moving = !widget.state.paused && !hovering && !focused && !detached;
    if (moving && widget.feed.testimonials.length > 1) {
      timer = setInterval(advance, display.autoplay_interval_ms);
    }
  };
  const setPaused = (paused: boolean) => {
    widget.setState({ paused });
    schedule();
  };

  motion?.addEventListener?.('change', (event) => {
    if (event.matches) setPaused(true);
  });
  const element = () => widget.element;
  widget.element.addEventListener('pointerenter', () => {
    hovering = true;
    schedule();
  });
  widget.element.addEventListener('pointerleave', () => {
    hovering = false;
    schedule();
  });
  widget.element.addEventListener('focusin', () => {
    focused = true;
    schedule();
  });
  widget.element.addEventListener('focusout', (event) => {
    focused = element().contains(event.relatedTarget as Node | null);
    schedule();
  });
  schedule();

  return {
    toggle: () => setPaused(!widget.state.paused),
    /** The visitor moved: keep the rhythm from now on. */
    restart: schedule,
    pause: () => {
      detached = true;
      schedule();
    },
    resume: () => {
      detached = false;
      schedule();
    },
  };
}
