import type { BuiltFeed } from './feed.js';
import { buildJsonLd } from './json-ld.js';
import type { PublicTestimonial } from './schema.js';

/** What a live widget must do to go from one build to the next. */
export type FeedEvent =
  | { type: 'none' }
  /** Layout, display settings or branding changed: fetch everything again. */
  | { type: 'reload' }
  /** Start again from the first page (the order of known items moved). */
  | { type: 'reset' }
  | {
      type: 'change';
      removed: string[];
      /** New or edited items with their index in the new order. */
      upserted: { index: number; item: PublicTestimonial }[];
    };

function sameOrder(before: string[], after: string[]): boolean {
  return before.length === after.length && before.every((id, i) => id === after[i]);
}

/**
 * The difference between two builds of one widget over every item a visitor can page
 * to, so a widget showing the first page and one that loaded three more both find their
 * items. Items present in both must keep their relative order, or the answer is a reset.
 */
export function diffFeeds(before: BuiltFeed, after: BuiltFeed): FeedEvent {
  if (before.shapeKey !== after.shapeKey) return { type: 'reload' };

  const beforeKeys = new Map(before.items.map((item, i) => [item.id, before.itemKeys[i]]));
  const afterIds = new Set(after.items.map((item) => item.id));
  const removed = before.items.filter((item) => !afterIds.has(item.id)).map((item) => item.id);
  const keptBefore = before.items.filter((item) => afterIds.has(item.id)).map((item) => item.id);
  const keptAfter = after.items.filter((item) => beforeKeys.has(item.id)).map((item) => item.id);
  if (!sameOrder(keptBefore, keptAfter)) return { type: 'reset' };

  const upserted = after.items.flatMap((item, index) =>
    beforeKeys.get(item.id) === after.itemKeys[index] ? [] : [{ index, item }],
  );
  if (removed.length === 0 && upserted.length === 0) return { type: 'none' };
  return { type: 'change', removed, upserted };
}

/** The data line of a `change` event: the diff, the new summary and first-page JSON-LD. */
export function changeData(after: BuiltFeed, event: Extract<FeedEvent, { type: 'change' }>) {
  const firstPage = after.items.slice(0, after.settings.limit);
  return JSON.stringify({
    version: after.contentVersion,
    summary: after.summary,
    removed: event.removed,
    upserted: event.upserted,
    json_ld: buildJsonLd(after.display, after.summary, firstPage),
  });
}
