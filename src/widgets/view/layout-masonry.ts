/** The masonry variant of the wall layouts (layout-wall.ts); one module each, so a chunk carries only its own. */
export const MASONRY_CSS =
  '.st-masonry{columns:16rem;column-gap:1rem}.st-masonry>li{break-inside:avoid;margin-bottom:1rem}';
