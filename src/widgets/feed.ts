import type { Executor } from '../platform/db/database.js';
import { notFound } from '../platform/errors.js';
import {
  feedRatingTotals,
  feedSettings,
  FeedWidgetLookup,
  listFeedTestimonials,
  type FeedWidget,
} from './feed-query.js';
import { strongEtag } from './http-cache.js';
import { summarizeRatings } from './rating.js';
import type { PublicFeed } from './schema.js';

/** Widgets whose serialized feed one process keeps; the oldest rebuilt is dropped first. */
export const FEED_CACHE_MAX_ENTRIES = 1_000;

export interface SerializedFeed {
  contentVersion: number;
  body: string;
  etag: string;
}

async function buildFeed(executor: Executor, widget: FeedWidget): Promise<SerializedFeed> {
  const settings = feedSettings(widget);
  const [testimonials, totals] = await Promise.all([
    listFeedTestimonials(executor, widget.workspaceId, settings),
    feedRatingTotals(executor, widget.workspaceId, settings),
  ]);
  const feed: PublicFeed = {
    widget: { id: widget.id, kind: widget.kind, settings },
    summary: summarizeRatings(totals.count, totals.ratingSum, totals.ratingCount),
    testimonials,
  };
  const body = JSON.stringify(feed);
  return { contentVersion: widget.contentVersion, body, etag: strongEtag(body) };
}

/**
 * The public feed, serialized once per (widget, content version). Every request reads the
 * widget row with its workspace's content version in one query; the testimonials are
 * queried again only when that version moved. The version lives in the database and is
 * bumped in the same transaction as any change, so several processes each keeping their
 * own cache never serve a feed older than the last commit.
 */
export class PublicFeeds {
  private readonly cache = new Map<string, SerializedFeed>();
  private readonly building = new Map<string, Promise<SerializedFeed>>();
  private readonly widgets: FeedWidgetLookup;

  constructor(
    private readonly executor: Executor,
    private readonly maxEntries = FEED_CACHE_MAX_ENTRIES,
  ) {
    this.widgets = new FeedWidgetLookup(executor);
  }

  async load(widgetId: string): Promise<SerializedFeed> {
    const widget = await this.widgets.find(widgetId);
    if (!widget) {
      this.cache.delete(widgetId);
      throw notFound('widget');
    }
    const cached = this.cache.get(widgetId);
    if (cached?.contentVersion === widget.contentVersion) return cached;
    return this.rebuild(widget);
  }

  /** Concurrent misses for the same version share one rebuild. */
  private rebuild(widget: FeedWidget): Promise<SerializedFeed> {
    const key = `${widget.id}@${widget.contentVersion}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = buildFeed(this.executor, widget)
        .then((feed) => {
          this.remember(widget.id, feed);
          return feed;
        })
        .finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  private remember(widgetId: string, feed: SerializedFeed): void {
    const current = this.cache.get(widgetId);
    // A slower rebuild of an older version must not replace a newer one.
    if (current && current.contentVersion > feed.contentVersion) return;
    this.cache.delete(widgetId);
    this.cache.set(widgetId, feed);
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}
