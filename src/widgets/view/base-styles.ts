import { RESERVE_REM } from './reserve.js';

/** The loader's only styles: the reserved height of each layout, before any data or layout code. */
export const BASE_CSS =
  ':host{display:block}:host([hidden]){display:none}.st{box-sizing:border-box}' +
  Object.entries(RESERVE_REM)
    .map(([kind, rem]) => `.st[data-layout=${kind}]{--st-h:${rem}rem}`)
    .join('') +
  '.st-loading{height:var(--showtrust-reserve,var(--st-h))}';
