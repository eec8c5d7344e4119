import type { Behaviour, LiveWidget } from './widget.js';
import { rotate } from './rotation.js';

/** The slider: previous, next and pause buttons, arrow keys (mirrored in RTL), autoplay rules of rotate(). */
export function slide(widget: LiveWidget): Behaviour {
  const count = () => widget.feed.testimonials.length;
  const go = (step: number) => {
    const total = count();
    if (total > 0) widget.setState({ index: (widget.state.index + step + total) % total });
  };
  const rotation = rotate(widget, () => go(1));

  widget.element.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const rtl = getComputedStyle(widget.element).direction === 'rtl';
    const forward = (event.key === 'ArrowRight') !== rtl;
    event.preventDefault();
    go(forward ? 1 : -1);
    rotation.restart();
  });

  return {
    action(name) {
      if (name === 'toggle') rotation.toggle();
      if (name === 'prev' || name === 'next') {
        go(name === 'next' ? 1 : -1);
        rotation.restart();
      }
    },
    pause: rotation.pause,
    resume: rotation.resume,
  };
}

/** The popup: cycles recent testimonials by the same rules; "close" dismisses it for this page view. */
export function notify(widget: LiveWidget): Behaviour {
  const rotation = rotate(widget, () => {
    const total = widget.feed.testimonials.length;
    if (total > 0) widget.setState({ index: (widget.state.index + 1) % total });
  });
  return {
    action(name) {
      if (name === 'toggle') rotation.toggle();
      if (name === 'close') {
        widget.setState({ closed: true, paused: true });
        rotation.pause();
      }
    },
    pause: rotation.pause,
    resume: rotation.resume,
  };
}
