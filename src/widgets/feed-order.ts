import { createHash } from 'node:crypto';
import type { PublicTestimonial, WidgetOrder } from './schema.js';

const DAY_MS = 86_400_000;

/** The UTC day a `random` order belongs to; it reshuffles at the next UTC midnight. */
export function shuffleDay(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS);
}

export function nextShuffleAtMs(nowMs: number): number {
  return (shuffleDay(nowMs) + 1) * DAY_MS;
}

/**
 * A shuffle fixed for one widget and one day: every process, page and cache agrees on it
 * (a per-request shuffle could neither be cached nor paged), and a new item lands in one
 * place without moving the others.
 */
function shuffled(items: PublicTestimonial[], widgetId: string, nowMs: number) {
  const day = shuffleDay(nowMs);
  const key = (item: PublicTestimonial) =>
    createHash('sha256').update(`${widgetId}:${day}:${item.id}`).digest('hex').slice(0, 16);
  return items
    .map((item) => ({ item, key: key(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ item }) => item);
}

/**
 * A stratified sample: ratings (and "no rating") are strata, and each position goes to
 * the stratum furthest behind its share, newest first within each. So any first page
 * shows 5-, 4- and 3-star testimonials in the proportion they really occur, not just the
 * newest run of fives. Ties go to the higher rating.
 */
function stratified(items: PublicTestimonial[]) {
  const strata = new Map<number, PublicTestimonial[]>();
  for (const item of items) {
    const key = item.rating ?? 0;
    let stratum = strata.get(key);
    if (!stratum) strata.set(key, (stratum = []));
    stratum.push(item);
  }
  const groups = [...strata.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([, list]) => ({ list, taken: 0 }));

  const out: PublicTestimonial[] = [];
  for (let position = 1; position <= items.length; position++) {
    let best = groups[0]!;
    let bestDeficit = -Infinity;
    for (const group of groups) {
      if (group.taken === group.list.length) continue;
      const deficit = (position * group.list.length) / items.length - group.taken;
      if (deficit > bestDeficit) {
        best = group;
        bestDeficit = deficit;
      }
    }
    out.push(best.list[best.taken]!);
    best.taken += 1;
  }
  return out;
}

/** Finishes the order SQL began (newest first for these two; the others come ordered). */
export function applyOrder(
  items: PublicTestimonial[],
  order: WidgetOrder,
  widgetId: string,
  nowMs: number,
): PublicTestimonial[] {
  if (order === 'random') return shuffled(items, widgetId, nowMs);
  if (order === 'stratified') return stratified(items);
  return items;
}
