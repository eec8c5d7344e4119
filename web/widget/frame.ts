/*
 * Runs inside our iframe embed (/embed/{id}) beside the loader: it reports the content's
 * height to the page that frames it, once that page has greeted it (C10). It answers only
 * a greeting from its own parent window, and posts only to the origin that greeting came
 * from, never `*`.
 */

let parentOrigin: string | null = null;
let last = -1;

function report(): void {
  if (!parentOrigin) return;
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === last) return;
  last = height;
  window.parent.postMessage({ type: 'showtrust:height', height }, parentOrigin);
}

try {
  if (window.parent !== window) {
    window.addEventListener('message', (event) => {
      if (event.source !== window.parent) return;
      const data = event.data as { type?: unknown } | null;
      if (!data || data.type !== 'showtrust:hello' || typeof event.origin !== 'string') return;
      if (event.origin === 'null') return;
      parentOrigin = event.origin;
      last = -1;
      report();
    });
    if (typeof ResizeObserver === 'function')
      new ResizeObserver(report).observe(document.documentElement);
  }
} catch {
  // Never an error in the frame's console either.
}
