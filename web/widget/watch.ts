import { PLACEHOLDER_SELECTOR } from './mount.js';
import { FRAME_SELECTOR } from './frame-host.js';

const SELECTOR = `${PLACEHOLDER_SELECTOR},${FRAME_SELECTOR}`;

export interface PlaceholderWatch {
  /** A placeholder or iframe seen for the first time. */
  found(element: Element): void;
  /** One seen before is in the page again (moved, or put back by a single-page app). */
  back(element: Element): void;
  /** Nodes left the page: some placeholders may be gone. */
  removed(): void;
}

/**
 * Calls `found` once for every placeholder, now and whenever one appears later: added by
 * a single-page app, inside a swapped `<body>`, or given the attribute afterwards. The
 * observer sits on the root element, so replacing the body does not detach it (C23).
 */
export function watchPlaceholders(watch: PlaceholderWatch): void {
  const seen = new WeakSet<Element>();
  const visit = (element: Element) => {
    if (seen.has(element)) {
      watch.back(element);
      return;
    }
    seen.add(element);
    watch.found(element);
  };
  const scan = (root: Element | Document) => {
    if (root instanceof Element && root.matches(SELECTOR)) visit(root);
    root.querySelectorAll(SELECTOR).forEach(visit);
  };

  scan(document);
  new MutationObserver((records) => {
    let removals = false;
    for (const record of records) {
      if (record.type === 'attributes') {
        if (record.target instanceof Element) scan(record.target);
        continue;
      }
      if (record.removedNodes.length > 0) removals = true;
      record.addedNodes.forEach((node) => {
        if (node instanceof Element) scan(node);
      });
    }
    if (removals) watch.removed();
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-showtrust-widget'],
  });
}
