import { RESERVE_PX } from './reserve.js';

/** The loader's only styles: the reserved height of each layout, before any data or layout code. */
export const BASE_CSS =
  ':host{display:block}:host([hidden]){display:none}.st{box-sizing:border-box}' +
  Object.entries(RESERVE_PX)
    .map(([kind, px]) => `.st[data-layout=${kind}]{--st-h:${px}px}`)
    .join('') +
  '.st-loading{height:var(--showtrust-reserve,var(--st-h))}';
