import { isLayout, loadLayout } from './chunks.js';
import type { MountContext, MountedWidget } from './contract.js';
import { loadJson } from './feed.js';
import { adoptBaseStyles, adoptStyles } from './styles.js';

export const PLACEHOLDER_SELECTOR = '[data-showtrust-widget]';
const WIDGET_ID = /^wgt_[0-9a-z]{26}$/;
/** Placeholders from before layouts were named reserve a grid's height. */
const DEFAULT_LAYOUT = 'grid';

/**
 * Renders one placeholder. The shadow root is open: the feed is public anyway, a closed
 * root is no security boundary (a host script can patch attachShadow before we run), and
 * open lets assistive tools, translators and tests reach the text. Style isolation is
 * the same in both modes.
 *
 * The reserved box appears at once, sized for the layout the placeholder names; that
 * layout's code is fetched beside the feed. On any failure the box is dropped and a
 * `<slot>` shows whatever fallback the host put inside the placeholder (nothing, by
 * default). `mounted` gets the rendered widget (again after a remount).
 */
export function mountWidget(
  host: Element,
  base: string,
  mounted: (widget: MountedWidget) => void,
): void {
  const id = host.getAttribute('data-showtrust-widget') ?? '';
  if (!WIDGET_ID.test(id)) return;
  let root: ShadowRoot;
  try {
    root = host.attachShadow({ mode: 'open' });
  } catch {
    // Not an element that can host a shadow root, or one that already has one.
    return;
  }
  adoptBaseStyles(root);
  render({ host, root, id, base, mounted });
}

interface Target {
  host: Element;
  root: ShadowRoot;
  id: string;
  base: string;
  mounted: (widget: MountedWidget) => void;
}

function render(target: Target): void {
  const { host, root, id, base } = target;
  const named = host.getAttribute('data-showtrust-layout');
  const hint = isLayout(named) ? named : DEFAULT_LAYOUT;
  const reserved = document.createElement('div');
  reserved.className = 'st st-loading';
  reserved.setAttribute('data-layout', hint);
  reserved.setAttribute('aria-busy', 'true');
  root.replaceChildren(reserved);

  const early = loadLayout(hint, base);
  early.catch(() => undefined);
  const fail = () => {
    // Quietly: the host page's console stays clean and no empty box remains.
    root.replaceChildren(document.createElement('slot'));
  };
  loadJson(new URL(`public/v1/widgets/${id}`, base).href)
    .then((json) => {
      const kind = (json as { widget?: { kind?: unknown } } | null)?.widget?.kind;
      if (!isLayout(kind)) throw new Error('unknown layout');
      return (kind === hint ? early : loadLayout(kind, base)).then((layout) => {
        const context: MountContext = {
          host,
          root,
          reserved,
          json,
          base,
          adopt: (css) => adoptStyles(root, css),
          fetchJson: loadJson,
          fail,
          remount: () => render(target),
        };
        target.mounted(layout.mount(context));
      });
    })
    .catch(fail);
}
