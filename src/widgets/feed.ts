import type { Executor } from '../platform/db/database.js';
import { notFound } from '../platform/errors.js';
import { pageOf, resolveCursor } from './feed-cursor.js';
import { applyOrder, nextShuffleAtMs } from './feed-order.js';
import {
  feedRatingTotals,
  feedSettings,
  FeedWidgetLookup,
  isWhiteLabel,
  listFeedTestimonials,
  type FeedWidget,
} from './feed-query.js';
import { strongEtag } from './http-cache.js';
import { buildJsonLd } from './json-ld.js';
import { summarizeRatings } from './rating.js';
import {
  DISPLAY_SETTING_KEYS,
  type PublicFeed,
  type PublicTestimonial,
  type RatingSummary,
  type WidgetDisplay,
  type WidgetKind,
  type WidgetSettings,
} from './schema.js';
import { avatarUrl } from '../media/store.js';
import { safeImageUrl } from './view/urls.js';

/** Widgets whose feed one process keeps; the oldest rebuilt is dropped first. */
export const FEED_CACHE_MAX_ENTRIES = 1_000;
/** Builds kept per widget besides the newest, so a reconnecting stream can get a diff. */
export const FEED_HISTORY = 8;
/**
 * How long a feed the database confirmed current is served without asking again. Changes
 * this process commits, or hears of over pub/sub, show on the next request; this bounds
 * the rest (another process without Redis, a lost message, a CLI import): C19's bound.
 */
export const FEED_RECHECK_MS = 1_000;

/** A response body as bytes (encoded once, not per request) with its strong ETag. */
export interface SerializedPage {
  body: Buffer;
  etag: string;
}

export function serializedPage(text: string): SerializedPage {
  const body = Buffer.from(text, 'utf8');
  return { body, etag: strongEtag(body) };
}

/** One widget's feed at one content version: every page, format and stream event derive from it. */
export interface BuiltFeed {
  widgetId: string;
  workspaceId: string;
  kind: WidgetKind;
  name: string;
  slug: string;
  contentVersion: number;
  /** A `random` order reshuffles at UTC midnight: the build is stale from then on. */
  validUntilMs: number;
  settings: WidgetSettings;
  display: WidgetDisplay;
  poweredBy: boolean;
  summary: RatingSummary;
  /** Every item a visitor can page to, in order. */
  items: PublicTestimonial[];
  /** Each item as JSON, to tell changed items from unchanged ones. */
  itemKeys: string[];
  /** Layout, display settings and branding as JSON: when it moves, open widgets redraw. */
  shapeKey: string;
  /** Serialized JSON pages by cursor ('' for the first), made on first request. */
  pages: Map<string, SerializedPage>;
  /** Anything else derived once per build (HTML, CSS, pages), by name. */
  derived: Map<string, SerializedPage>;
}

export interface PublicFeedsOptions {
  maxEntries?: number;
  recheckMs?: number;
  nowMs?: () => number;
  /** Our public base URL (read late: a server on port 0 learns it after listening). */
  publicUrl?: () => string;
}

function displayOf(settings: WidgetSettings): WidgetDisplay {
  const display: Record<string, unknown> = {};
  for (const key of DISPLAY_SETTING_KEYS) display[key] = settings[key];
  return display as WidgetDisplay;
}

interface CacheEntry {
  latest: BuiltFeed;
  /** Older builds, oldest first, at most FEED_HISTORY. */
  history: BuiltFeed[];
  /** When the database last said `latest` is current; -Infinity once a change is heard of. */
  checkedAtMs: number;
}

/**
 * The public feed, built once per (widget, content version). The version lives in the
 * database and is bumped in the same transaction as any change. A request that finds a
 * build confirmed within FEED_RECHECK_MS, with no change to its workspace heard of since,
 * is served from memory; otherwise it reads the widget row with the version in one query,
 * and the testimonials are queried again only when that version moved. Changes are heard
 * of through invalidate(): from this process's commits, and from others' over pub/sub.
 */
export class PublicFeeds {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly building = new Map<string, Promise<BuiltFeed>>();
  private readonly widgets: FeedWidgetLookup;
  private readonly maxEntries: number;
  private readonly recheckMs: number;
  private readonly nowMs: () => number;
  private readonly publicUrl: () => string;
  /** Counts invalidate() calls: a read that overlapped one may predate that change. */
  private changesHeard = 0;

  constructor(
    private readonly executor: Executor,
    options: PublicFeedsOptions = {},
  ) {
    this.widgets = new FeedWidgetLookup(executor);
    this.maxEntries = options.maxEntries ?? FEED_CACHE_MAX_ENTRIES;
    this.recheckMs = options.recheckMs ?? FEED_RECHECK_MS;
    this.nowMs = options.nowMs ?? Date.now;
    this.publicUrl = options.publicUrl ?? (() => 'http://127.0.0.1');
  }

  /**
   * The build load() would give without asking the database, if there is one: lets a
   * request the cache answers send its reply without waiting on a promise.
   */
  current(widgetId: string): BuiltFeed | undefined {
    const entry = this.cache.get(widgetId);
    return entry && this.isCurrent(entry, this.nowMs()) ? entry.latest : undefined;
  }

  async load(widgetId: string): Promise<BuiltFeed> {
    const nowMs = this.nowMs();
    const entry = this.cache.get(widgetId);
    if (entry && this.isCurrent(entry, nowMs)) return entry.latest;

    const heard = this.changesHeard;
    const widget = await this.widgets.find(widgetId);
    if (!widget) {
      this.cache.delete(widgetId);
      throw notFound('widget');
    }
    const cached = this.cache.get(widgetId)?.latest;
    const unchanged =
      cached?.contentVersion === widget.contentVersion && nowMs < cached.validUntilMs;
    const feed = unchanged ? cached : await this.rebuild(widget);
    this.confirm(feed, this.changesHeard === heard ? nowMs : -Infinity);
    return feed;
  }

  /**
   * Something in this workspace changed (committed): its widgets' next requests read the
   * version again. Synchronous, so the request after a commit in this process is current.
   */
  invalidate(workspaceId: string): void {
    this.changesHeard += 1;
    for (const entry of this.cache.values()) {
      if (entry.latest.workspaceId === workspaceId) entry.checkedAtMs = -Infinity;
    }
  }

  /** An earlier build of this version, if this process still has it. */
  builtAt(widgetId: string, contentVersion: number): BuiltFeed | undefined {
    const entry = this.cache.get(widgetId);
    if (!entry) return undefined;
    if (entry.latest.contentVersion === contentVersion) return entry.latest;
    return entry.history.find((feed) => feed.contentVersion === contentVersion);
  }

  /** The JSON page after `cursor` (the first without one), serialized once per build. */
  page(feed: BuiltFeed, cursor?: string): SerializedPage {
    const key = cursor ?? '';
    let page = feed.pages.get(key);
    if (!page) {
      page = serialize(feedPage(feed, cursor));
      feed.pages.set(key, page);
    }
    return page;
  }

  /** Concurrent misses for the same version share one rebuild. */
  private rebuild(widget: FeedWidget): Promise<BuiltFeed> {
    const key = `${widget.id}@${widget.contentVersion}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.build(widget)
        .then((feed) => {
          this.remember(feed);
          return feed;
        })
        .finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  private async build(widget: FeedWidget): Promise<BuiltFeed> {
    const settings = feedSettings(widget);
    const nowMs = this.nowMs();
    const [rows, totals, whiteLabel] = await Promise.all([
      listFeedTestimonials(this.executor, widget.workspaceId, settings),
      feedRatingTotals(this.executor, widget.workspaceId, settings),
      isWhiteLabel(this.executor, widget.workspaceId),
    ]);
    const publicUrl = this.publicUrl();
    const ownOrigin = new URL(publicUrl).origin;
    const items = applyOrder(rows, settings.order, widget.id, nowMs).map((item) => ({
      ...item,
      author_avatar_url: safeImageUrl(avatarUrl(item.author_avatar_url, publicUrl), ownOrigin),
    }));
    const display = displayOf(settings);
    const poweredBy = !whiteLabel;
    return {
      widgetId: widget.id,
      workspaceId: widget.workspaceId,
      kind: widget.kind,
      name: widget.name,
      slug: widget.slug ?? widget.id,
      contentVersion: widget.contentVersion,
      validUntilMs: settings.order === 'random' ? nextShuffleAtMs(nowMs) : Infinity,
      settings,
      display,
      poweredBy,
      summary: summarizeRatings(totals.count, totals.ratingSum, totals.ratingCount),
      items,
      itemKeys: items.map((item) => JSON.stringify(item)),
      shapeKey: JSON.stringify([widget.kind, display, poweredBy, widget.slug]),
      pages: new Map(),
      derived: new Map(),
    };
  }

  private isCurrent(entry: CacheEntry, nowMs: number): boolean {
    return nowMs - entry.checkedAtMs < this.recheckMs && nowMs < entry.latest.validUntilMs;
  }

  /** Marks `feed` as confirmed at `checkedAtMs`, if it is still the newest build kept. */
  private confirm(feed: BuiltFeed, checkedAtMs: number): void {
    const entry = this.cache.get(feed.widgetId);
    if (entry?.latest === feed) entry.checkedAtMs = checkedAtMs;
  }

  private remember(feed: BuiltFeed): void {
    const entry = this.cache.get(feed.widgetId);
    // A slower rebuild of an older version must not replace a newer one.
    if (entry && entry.latest.contentVersion > feed.contentVersion) return;
    const history = entry ? [...entry.history, entry.latest].slice(-FEED_HISTORY) : [];
    this.cache.delete(feed.widgetId);
    this.cache.set(feed.widgetId, {
      latest: feed,
      history: history.filter((old) => old.contentVersion !== feed.contentVersion),
      checkedAtMs: -Infinity,
    });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}

/** The feed's JSON document for one page. JSON-LD describes the first page, which crawlers see. */
export function feedPage(feed: BuiltFeed, cursor?: string): PublicFeed {
  const start = resolveCursor(cursor, feed.items);
  const page = pageOf(feed.items, start, feed.settings.limit);
  return {
    widget: { id: feed.widgetId, kind: feed.kind, slug: feed.slug, display: feed.display },
    branding: { powered_by: feed.poweredBy },
    version: feed.contentVersion,
    summary: feed.summary,
    testimonials: page.items,
    next_cursor: feed.settings.load_more ? page.nextCursor : null,
    json_ld: start === 0 ? buildJsonLd(feed.display, feed.summary, page.items) : null,
  };
}

function serialize(document: unknown): SerializedPage {
  return serializedPage(JSON.stringify(document));
}
