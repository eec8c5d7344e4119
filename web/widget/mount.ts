import { el } from './dom.js';
import { loadFeed, readFeed } from './feed.js';
import { renderGrid } from './render-grid.js';
import { applyStyles } from './styles.js';

export const PLACEHOLDER_SELECTOR = '[data-showtrust-widget]';
const WIDGET_ID = /^wgt_[0-9a-z]{26}$/;

/**
 * Renders one placeholder. The shadow root is open: the feed is public anyway, a closed
 * root is no security boundary (a host script can patch attachShadow before we run), and
 * open lets assistive tools, translators and tests reach the text. Style isolation is
 * the same in both modes.
 *
 * Space is reserved at once; on any failure the reserved box is dropped and a `<slot>`
 * shows whatever fallback the host put inside the placeholder (nothing, by default).
 */
export function mountWidget(host: Element, baseUrl: string): void {
  const id = host.getAttribute('data-showtrust-widget') ?? '';
  if (!WIDGET_ID.test(id)) return;
  let root: ShadowRoot;
  try {
    root = host.attachShadow({ mode: 'open' });
  } catch {
    // Not an element that can host a shadow root, or one that already has one.
    return;
  }

  applyStyles(root);
  const frame = el('div', 'st st-loading');
  frame.setAttribute('aria-busy', 'true');
  root.append(frame);

  const lang = host.closest('[lang]')?.getAttribute('lang') || undefined;
  loadFeed(new URL(`public/v1/widgets/${id}`, baseUrl).href)
    .then((json) => {
      const feed = readFeed(json);
      if (!feed || feed.testimonials.length === 0) throw new Error('nothing to show');
      frame.append(renderGrid(feed, lang));
      frame.className = 'st';
      frame.removeAttribute('aria-busy');
    })
    .catch(() => {
      // Quietly: the host page's console stays clean and no empty box remains.
      root.textContent = '';
      root.append(document.createElement('slot'));
    });
}
