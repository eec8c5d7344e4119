import type { LayoutModule } from './contract.js';

/** Layout kind → its chunk's file name, written in by scripts/build-widget.mjs. */
declare const __SHOWTRUST_LAYOUTS__: Record<string, string>;

const loading = new Map<string, Promise<LayoutModule>>();

export function isLayout(kind: unknown): kind is string {
  return (
    typeof kind === 'string' && Object.prototype.hasOwnProperty.call(__SHOWTRUST_LAYOUTS__, kind)
  );
}

/**
 * Imports one layout's code, once per page, from beside the script (so a proxy path
 * serves it too). Only layouts on the page are ever fetched.
 */
export function loadLayout(kind: string, base: string): Promise<LayoutModule> {
  let pending = loading.get(kind);
  if (!pending) {
    const url = new URL(`widget/${__SHOWTRUST_LAYOUTS__[kind]}`, base).href;
    pending = import(/* @vite-ignore */ url) as Promise<LayoutModule>;
    pending.catch(() => loading.delete(kind));
    loading.set(kind, pending);
  }
  return pending;
}
