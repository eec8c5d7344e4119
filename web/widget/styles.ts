/*
 * One stylesheet for every widget on the page. Inherited properties a host page may set
 * wildly (line-height, letter-spacing, text-align…) are reset at the root; the font is
 * inherited on purpose so the widget matches the page. Long unbroken words and URLs wrap
 * inside the card (`overflow-wrap: anywhere`). A host can set `--showtrust-reserve` on the
 * placeholder to change the space kept while loading.
 */
export const WIDGET_CSS = `
:host{display:block}
.st{box-sizing:border-box;font:inherit;font-size:1rem;line-height:1.5;color:#1f2328;text-align:start;letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;white-space:normal;font-style:normal;font-weight:400}
.st *{box-sizing:border-box;margin:0}
.st-loading{min-height:var(--showtrust-reserve,17.5rem)}
.st-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,16rem),1fr));gap:1rem;list-style:none;padding:0}
.st-card{display:flex;flex-direction:column;gap:.5rem;min-width:0;padding:1rem 1.25rem;border:1px solid #d0d7de;border-radius:.5rem;background:#fff;overflow-wrap:anywhere}
.st-stars{color:#b45309;letter-spacing:.1em;line-height:1}
.st-off{color:#8c959f}
.st-title,.st-name{font-weight:600}
.st-text{white-space:pre-line}
.st-author{margin-top:auto;font-size:.875em;color:#57606a}
.st-name{color:#1f2328}
`;

let shared: CSSStyleSheet | undefined;

/**
 * A constructable stylesheet shared by all shadow roots (no inline `<style>`, so a host
 * CSP needs no 'unsafe-inline'); browsers without them get a `<style>` element instead.
 */
export function applyStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root) {
    try {
      if (!shared) {
        shared = new CSSStyleSheet();
        shared.replaceSync(WIDGET_CSS);
      }
      root.adoptedStyleSheets = [shared];
      return;
    } catch {
      // Older engines expose the property but cannot construct sheets: use the fallback.
    }
  }
  const style = document.createElement('style');
  style.textContent = WIDGET_CSS;
  root.appendChild(style);
}
