/** Excerpts of the fixed-height layouts (slider, single), whatever longer length the widget allows. */
export const SLIDE_EXCERPT = 200;

/** A fixed-height card whose text gives way first: what the slider and the single card need. */
export const FIXED_CARD_CSS =
  '.st-fixed{height:100%;overflow:hidden}.st-fixed .st-text{flex:1 1 auto;min-height:0;overflow:hidden}';
