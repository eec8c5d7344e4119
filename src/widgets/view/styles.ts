/*
 * Styles every layout shares. The loader adopts BASE_CSS at once (reserved space); each
 * layout chunk adds COMMON_CSS and the sheets of its own module; the server joins them
 * all for pages and the server-rendered HTML. Inherited properties a host page may set
 * wildly (line-height, letter-spacing, text-align…) are reset at the root; the font is
 * inherited on purpose unless the widget says `font: system`. Long unbroken words and
 * URLs wrap inside the card (`overflow-wrap: anywhere`, C13). Sheets are plain string
 * literals, so a bundle drops the ones it does not use.
 */

const DARK =
  '--st-bg:#0d1117;--st-card:#161b22;--st-fg:#e6edf3;--st-muted:#9da7b3;--st-border:#3d444d;' +
  '--st-accent:#58a6ff;--st-on-accent:#0d1117;--st-star:#e3b341;--st-off:#8b949e;--st-ok:#3fb950;' +
  // Dark text colours need a dark ground under the whole widget, not only the cards.
  'background:var(--st-bg)';

export const COMMON_CSS =
  '.st{--st-bg:#fff;--st-card:#fff;--st-fg:#1f2328;--st-muted:#57606a;--st-border:#d0d7de;' +
  '--st-accent:#0969da;--st-on-accent:#fff;--st-star:#9a6700;--st-off:#6e7781;--st-ok:#1a7f37;' +
  '--st-r:8px;font:inherit;font-size:1rem;line-height:1.5;color:var(--st-fg);text-align:start;' +
  'letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;' +
  'white-space:normal;font-style:normal;font-weight:400;overflow-wrap:anywhere}' +
  '.st[data-font=system]{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}' +
  `.st[data-theme=dark]{${DARK}}@media (prefers-color-scheme:dark){.st[data-theme=auto]{${DARK}}}` +
  '.st *{box-sizing:border-box;margin:0;padding:0}' +
  '.st-card{display:flex;flex-direction:column;gap:.5rem;min-width:0;padding:1rem 1.25rem;' +
  'border:1px solid var(--st-border);border-radius:var(--st-r);background:var(--st-card)}' +
  '.st-stars{color:var(--st-star);letter-spacing:.1em;line-height:1}.st-off{color:var(--st-off)}' +
  '.st-title,.st-name{font-weight:600}.st-text{white-space:pre-line}' +
  '.st-author{display:flex;gap:.75rem;align-items:center;margin-top:auto;font-size:.875em;' +
  'color:var(--st-muted)}.st-who{min-width:0}.st-name{color:var(--st-fg)}' +
  '.st-avatar{flex:none;display:flex;align-items:center;justify-content:center;width:2.5rem;' +
  'height:2.5rem;border-radius:50%;overflow:hidden;object-fit:cover;background:var(--st-accent);' +
  'color:var(--st-on-accent);font-weight:600}' +
  '.st-verified{display:inline-block;margin-inline-start:.375rem;color:var(--st-ok);font-weight:400}' +
  '.st-btn{cursor:pointer;font:inherit;border:1px solid var(--st-border);border-radius:var(--st-r);' +
  'background:var(--st-card);color:var(--st-fg);padding:.25rem .75rem;line-height:1.5}' +
  // A fixed width: "Pause" becoming "Play" (reduced motion switched on) moves nothing.
  '.st-btn[data-st=toggle]{min-width:7.5rem}' +
  '.st-link{font:inherit;color:var(--st-accent);text-decoration:underline;background:none;' +
  'border:0;cursor:pointer;align-self:flex-start}' +
  '.st button:focus-visible,.st a:focus-visible,.st [tabindex]:focus-visible{' +
  'outline:2px solid var(--st-accent);outline-offset:2px}' +
  '.st-foot{display:flex;align-items:center;gap:1rem;height:48px;margin-top:16px}' +
  '.st-powered{margin-inline-start:auto;font-size:.75rem;color:var(--st-muted)}' +
  '.st-dialog{margin:auto;width:min(36rem,calc(100vw - 2rem));max-height:calc(100vh - 4rem);' +
  'overflow:auto;border:1px solid var(--st-border);border-radius:var(--st-r);' +
  'background:var(--st-card);color:var(--st-fg);padding:0}' +
  '.st-dialog>.st-card{border:0}.st-dialog::backdrop{background:rgba(0,0,0,.45)}' +
  '.st-dialog .st-close{margin:0 1.25rem 1rem}' +
  '@keyframes st-fade{from{opacity:0}to{opacity:1}}' +
  '@media (prefers-reduced-motion:reduce){.st *{animation:none!important;transition:none!important}}';
