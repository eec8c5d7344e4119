const MARK = 'data-showtrust-json-ld';

/**
 * The widget's schema.org markup as a data block beside the placeholder, in the host
 * page's own DOM where crawlers read it (never inside the shadow root). A data block
 * never runs; a page enforcing Trusted Types refuses it, and then it is left out.
 */
export function showJsonLd(host: Element, markup: Record<string, unknown> | null): void {
  let script = host.querySelector(`script[${MARK}]`);
  if (!markup) {
    script?.remove();
    return;
  }
  try {
    if (!script) {
      script = document.createElement('script');
      script.setAttribute('type', 'application/ld+json');
      script.setAttribute(MARK, '');
      host.appendChild(script);
    }
    script.textContent = JSON.stringify(markup);
  } catch {
    script?.remove();
  }
}
