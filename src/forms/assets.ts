import { createHash } from 'node:crypto';

/**
 * The hosted pages' only styles, served from our own origin because the pages' CSP
 * allows no inline style. Mobile first; long unbroken words wrap instead of scrolling.
 */
export const FORM_CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  background: #f4f5f7;
  color: #1d2330;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic",
    "Helvetica Neue", Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  overflow-wrap: anywhere;
  word-break: normal;
}
.page { max-width: 40rem; margin: 0 auto; padding: 1rem; }
.card {
  background: #fff;
  border: 1px solid #dde1e8;
  border-radius: 12px;
  padding: 1.25rem;
  box-shadow: 0 1px 2px rgba(16, 24, 40, 0.06);
}
@media (min-width: 40rem) {
  .page { padding: 2.5rem 1rem; }
  .card { padding: 2rem; }
}
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 0.5rem; }
h2 { font-size: 1.0625rem; margin: 0 0 0.5rem; }
p { margin: 0 0 1rem; }
.prompt, .message { color: #4a5468; white-space: pre-line; }
form { margin-top: 1.5rem; }
.field { margin: 0 0 1.25rem; }
label, legend { display: block; font-weight: 600; margin: 0 0 0.25rem; }
.optional, .hint { font-weight: 400; color: #5b6476; }
.hint { font-size: 0.9375rem; margin: 0 0 0.375rem; }
input[type="text"], input[type="email"], textarea {
  display: block;
  width: 100%;
  font: inherit;
  color: inherit;
  background: #fff;
  border: 1px solid #9aa3b2;
  border-radius: 8px;
  padding: 0.625rem 0.75rem;
}
textarea { min-height: 9rem; resize: vertical; }
input:focus-visible, textarea:focus-visible, button:focus-visible, a:focus-visible,
.stars input:focus-visible + label {
  outline: 3px solid #2f6fed;
  outline-offset: 2px;
}
fieldset { border: 0; margin: 0 0 1.25rem; padding: 0; min-width: 0; }
.stars { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.stars input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.stars label {
  margin: 0;
  min-width: 3.25rem;
  padding: 0.5rem 0.75rem;
  border: 1px solid #9aa3b2;
  border-radius: 999px;
  text-align: center;
  font-weight: 500;
  cursor: pointer;
}
.stars input:checked + label { background: #1d2330; border-color: #1d2330; color: #fff; }
.star { color: #e0a100; }
.stars input:checked + label .star { color: #ffd24d; }
.consent { display: flex; gap: 0.625rem; align-items: flex-start; }
.consent input { width: 1.25rem; height: 1.25rem; margin: 0.125rem 0 0; flex: none; }
.consent label { font-weight: 400; }
button {
  display: inline-block;
  width: 100%;
  font: inherit;
  font-weight: 600;
  color: #fff;
  background: #1d4ed8;
  border: 0;
  border-radius: 8px;
  padding: 0.75rem 1.25rem;
  cursor: pointer;
}
button:hover { background: #1e40af; }
@media (min-width: 40rem) { button { width: auto; } }
.has-error input, .has-error textarea { border: 2px solid #c62828; }
.field-error { color: #b71c1c; font-weight: 600; margin: 0 0 0.375rem; }
.error-summary, .notice {
  border: 2px solid #c62828;
  border-radius: 8px;
  padding: 0.875rem 1rem;
  margin: 1rem 0;
  background: #fff5f5;
}
.notice { border-color: #b26a00; background: #fff8e6; }
.error-summary ul { margin: 0; padding-inline-start: 1.25rem; }
.error-summary a { color: #b71c1c; font-weight: 600; }
.visually-hidden, .hp {
  position: absolute !important;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}
.hp { left: -10000px; }
@media (prefers-color-scheme: dark) {
  body { background: #12151b; color: #e7eaf0; }
  .card { background: #1b2029; border-color: #2c3340; }
  .prompt, .message, .optional, .hint { color: #aab2c0; }
  input[type="text"], input[type="email"], textarea { background: #12151b; border-color: #566074; }
  .stars label { border-color: #566074; }
  .stars input:checked + label { background: #e7eaf0; border-color: #e7eaf0; color: #12151b; }
  .stars input:checked + label .star { color: #b07d00; }
  .error-summary, .notice { background: #2a1a1a; }
  .notice { background: #2a2416; }
  .field-error, .error-summary a { color: #ff8a80; }
}
`;

/**
 * The pages' icon. Linking it keeps browsers from asking for `/favicon.ico`, whose 404
 * would show as a console error; a `data:` icon would break the CSP instead.
 */
export const FORM_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#e0a100" d="M12 2l2.9 6.9 7.1.6-5.4 4.7 1.6 7-6.2-3.8-6.2 3.8 1.6-7L2 9.5l7.1-.6z"/></svg>`;

export interface StaticAsset {
  path: string;
  /** The versioned URL pages link to: it changes whenever the content does. */
  href: string;
  version: string;
  contentType: string;
  body: string;
}

function asset(path: string, contentType: string, body: string): StaticAsset {
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path, href: `${path}?v=${version}`, version, contentType, body };
}

export const FORM_CSS_ASSET = asset('/assets/form.css', 'text/css; charset=utf-8', FORM_CSS);
export const FORM_ICON_ASSET = asset('/assets/form-icon.svg', 'image/svg+xml', FORM_ICON_SVG);
