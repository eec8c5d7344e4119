/** The grid variant of the wall layouts (layout-wall.ts); one module each, so a chunk carries only its own. */
export const GRID_CSS =
  '.st-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,16rem),1fr));gap:1rem}';
