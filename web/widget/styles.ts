import { BASE_CSS } from '../../src/widgets/view/base-styles.js';

const sheets = new Map<string, CSSStyleSheet>();

function constructed(css: string): CSSStyleSheet | null {
  let sheet = sheets.get(css);
  if (!sheet) {
    try {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    } catch {
      return null;
    }
    sheets.set(css, sheet);
  }
  return sheet;
}

/**
 * Constructable stylesheets, one per text and shared by every widget on the page: no
 * `<style>` element, so a host CSP needs no 'unsafe-inline' (C09). Engines without them
 * (Safari before 16.4) get `<style>` elements, which a strict host CSP may block.
 */
export function adoptStyles(root: ShadowRoot, css: string[]): void {
  if ('adoptedStyleSheets' in root) {
    const made = css.map(constructed);
    if (made.every((sheet): sheet is CSSStyleSheet => sheet !== null)) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...made];
      return;
    }
  }
  for (const text of css) {
    const style = document.createElement('style');
    style.textContent = text;
    root.insertBefore(style, root.firstChild);
  }
}

export function adoptBaseStyles(root: ShadowRoot): void {
  adoptStyles(root, [BASE_CSS]);
}
