import { PLACEHOLDER_SELECTOR } from './mount.js';

/**
 * Calls mount once for every placeholder, now and whenever one appears later: added by a
 * single-page app, inside a swapped `<body>`, or given the attribute afterwards. The
 * observer sits on the root element, so replacing the body does not detach it.
 */
export function watchPlaceholders(mount: (placeholder: Element) => void): void {
  const seen = new WeakSet<Element>();
  const visit = (element: Element) => {
    if (seen.has(element)) return;
    seen.add(element);
    mount(element);
  };
  const scan = (root: Element | Document) => {
    if (root instanceof Element && root.matches(PLACEHOLDER_SELECTOR)) visit(root);
    root.querySelectorAll(PLACEHOLDER_SELECTOR).forEach(visit);
  };

  scan(document);
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') {
        if (record.target instanceof Element) scan(record.target);
        continue;
      }
      record.addedNodes.forEach((node) => {
        if (node instanceof Element) scan(node);
      });
    }
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-showtrust-widget'],
  });
}
