/** The list variant of the wall layouts (layout-wall.ts); one module each, so a chunk carries only its own. */
export const LIST_CSS = '.st-list{display:flex;flex-direction:column;gap:1rem}';
