import type { PublicTestimonial } from './schema.js';

/*
 * "Load more" cursors: the offset of the next item and the id of the last one shown,
 * e.g. `20.tst_…`. The order is fixed per content version, so the offset alone would do
 * until something changes; the id keeps a page from repeating or skipping when an item
 * before it was approved or removed in between.
 */

export function encodeCursor(offset: number, lastId: string): string {
  return `${offset}.${lastId}`;
}

/** Where the page after `cursor` starts in `items`; a malformed or unknown cursor starts at 0. */
export function resolveCursor(cursor: string | undefined, items: PublicTestimonial[]): number {
  if (!cursor) return 0;
  const dot = cursor.indexOf('.');
  const offset = Number(cursor.slice(0, dot));
  const lastId = cursor.slice(dot + 1);
  if (!Number.isInteger(offset) || offset < 0) return 0;
  if (items[offset - 1]?.id === lastId) return offset;
  const moved = items.findIndex((item) => item.id === lastId);
  if (moved >= 0) return moved + 1;
  return Math.min(offset, items.length);
}

export interface FeedPage {
  items: PublicTestimonial[];
  nextCursor: string | null;
}

export function pageOf(items: PublicTestimonial[], start: number, size: number): FeedPage {
  const page = items.slice(start, start + size);
  const end = start + page.length;
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: end < items.length && last ? encodeCursor(end, last.id) : null,
  };
}
