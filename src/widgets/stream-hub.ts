import type { ServerResponse } from 'node:http';
import type { Executor } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { PubSub } from '../platform/pubsub.js';
import type { BuiltFeed, PublicFeeds } from './feed.js';
import { changeData, diffFeeds, type FeedEvent } from './feed-diff.js';
import { CONTENT_CHANNEL } from './live-announce.js';

export interface StreamOptions {
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  heartbeatMs: number;
  /** How often content versions are read anyway, in case an announcement was lost. */
  pollMs: number;
  /** Open streams one process accepts; more get a 503 and the browser retries later. */
  maxConnections: number;
}

export const DEFAULT_STREAM_OPTIONS: StreamOptions = {
  heartbeatMs: 20_000,
  pollMs: 5_000,
  maxConnections: 10_000,
};

/** Tells the browser how long to wait before reconnecting (EventSource's `retry:`). */
export const STREAM_RETRY_MS = 3_000;
/** A client this far behind in reading is dropped (it reconnects and catches up). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const WORKSPACES_PER_QUERY = 500;

/** Sent after the headers: browsers and proxies see the stream open at once. */
const PREAMBLE = `retry: ${STREAM_RETRY_MS}\n: open\n\n`;

export const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: a compressing proxy must not hold events back to fill its buffer.
  'cache-control': 'no-cache, no-transform',
  // nginx buffers proxied responses unless told otherwise, per response, by this.
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'cross-origin',
};

interface Connection {
  widgetId: string;
  workspaceId: string;
  /** The build the browser's widget now reflects. */
  feed: BuiltFeed;
  response: ServerResponse;
}

/**
 * Server-sent event streams of live widgets in this process. Event ids are the
 * workspace's content version, so a reconnect's `Last-Event-ID` says exactly which build
 * the widget shows: it gets the difference to the current one when this process still
 * has that build, or a full `reset` when not. Either way nothing is missed, whichever
 * process it reaches (C21). Changes are noticed from announcements over pub/sub (Redis
 * across processes) and, as a safety net, from a poll of the versions.
 */
export class FeedStreams {
  private readonly byWidget = new Map<string, Set<Connection>>();
  private readonly versions = new Map<string, number>();
  private readonly options: StreamOptions;
  private count = 0;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: Promise<(() => Promise<void>) | undefined> | undefined;
  private checking: Promise<void> | undefined;
  private pendingCheck: Set<string> | 'all' | undefined;
  private closed = false;

  constructor(
    private readonly feeds: PublicFeeds,
    private readonly executor: Executor,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    options: Partial<StreamOptions> = {},
  ) {
    this.options = { ...DEFAULT_STREAM_OPTIONS, ...options };
  }

  get openCount(): number {
    return this.count;
  }

  /** Open streams of one widget in this process. */
  openFor(widgetId: string): number {
    return this.byWidget.get(widgetId)?.size ?? 0;
  }

  /** Refuses before anything is written, so the route can still answer with a problem. */
  assertCapacity(): void {
    if (this.closed || this.count >= this.options.maxConnections) {
      throw new AppError('service_unavailable', 'Too many live connections; retry later.');
    }
  }

  /**
   * Starts streaming to `response` (headers already allowed to be written). `since` is
   * the content version the widget shows, from `Last-Event-ID` or the feed it loaded.
   */
  open(response: ServerResponse, feed: BuiltFeed, since: number | undefined): void {
    const connection: Connection = {
      widgetId: feed.widgetId,
      workspaceId: feed.workspaceId,
      feed,
      response,
    };
    response.write(PREAMBLE);
    if (since === undefined) {
      this.send(connection, feed, { type: 'reset' });
    } else if (since < feed.contentVersion) {
      const shown = this.feeds.builtAt(feed.widgetId, since);
      this.send(connection, feed, shown ? diffFeeds(shown, feed) : { type: 'reset' });
    }

    let set = this.byWidget.get(feed.widgetId);
    if (!set) this.byWidget.set(feed.widgetId, (set = new Set()));
    set.add(connection);
    this.count += 1;
    const known = this.versions.get(feed.workspaceId) ?? -1;
    if (feed.contentVersion > known) this.versions.set(feed.workspaceId, feed.contentVersion);
    response.on('close', () => this.forget(connection));
    this.startWatching();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    const unsubscribe = await this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.().catch(() => undefined);
    for (const set of this.byWidget.values()) {
      for (const connection of set) connection.response.end();
    }
    await this.checking;
  }

  /** Looks for changes now (announcements call this; so can tests). */
  requestCheck(workspaceId?: string): Promise<void> {
    if (workspaceId === undefined) this.pendingCheck = 'all';
    else if (this.pendingCheck !== 'all') {
      this.pendingCheck ??= new Set();
      this.pendingCheck.add(workspaceId);
    }
    this.checking ??= this.drainChecks().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private startWatching(): void {
    if (this.timers.length > 0 || this.closed) return;
    const heartbeat = setInterval(() => this.heartbeat(), this.options.heartbeatMs);
    const poll = setInterval(() => void this.requestCheck(), this.options.pollMs);
    heartbeat.unref();
    poll.unref();
    this.timers = [heartbeat, poll];
    this.unsubscribe ??= this.pubsub
      .subscribe(CONTENT_CHANNEL, (workspaceId) => {
        if (this.versions.has(workspaceId)) void this.requestCheck(workspaceId);
      })
      .catch((error: unknown) => {
        // The poll still finds every change; the next stream tries to subscribe again.
        this.log.warn({ err: error }, 'widget stream subscription failed');
        this.unsubscribe = undefined;
        return undefined;
      });
  }

  private forget(connection: Connection): void {
    const set = this.byWidget.get(connection.widgetId);
    if (!set?.delete(connection)) return;
    this.count -= 1;
    if (set.size === 0) this.byWidget.delete(connection.widgetId);
    if (this.count === 0) {
      for (const timer of this.timers) clearInterval(timer);
      this.timers = [];
      this.versions.clear();
    }
  }

  private heartbeat(): void {
    for (const set of this.byWidget.values()) {
      for (const connection of set) this.write(connection, ': heartbeat\n\n');
    }
  }

  private async drainChecks(): Promise<void> {
    while (this.pendingCheck && !this.closed) {
      const wanted = this.pendingCheck;
      this.pendingCheck = undefined;
      const workspaceIds = wanted === 'all' ? [...this.versions.keys()] : [...wanted];
      try {
        await this.check(workspaceIds.filter((id) => this.versions.has(id)));
      } catch (error) {
        this.log.error({ err: error }, 'widget stream check failed');
      }
    }
  }

  /** Reads the versions of these workspaces and refreshes the widgets of those that moved. */
  private async check(workspaceIds: string[]): Promise<void> {
    for (let i = 0; i < workspaceIds.length; i += WORKSPACES_PER_QUERY) {
      const rows = await this.executor
        .selectFrom('workspaces')
        .select(['id', 'content_version'])
        .where('id', 'in', workspaceIds.slice(i, i + WORKSPACES_PER_QUERY))
        .execute();
      for (const row of rows) {
        const version = Number(row.content_version);
        if (version <= (this.versions.get(row.id) ?? -1)) continue;
        this.versions.set(row.id, version);
        // The feed cache may not have heard of this change yet (another process, no Redis).
        this.feeds.invalidate(row.id);
        await this.refreshWorkspace(row.id);
      }
    }
  }

  private async refreshWorkspace(workspaceId: string): Promise<void> {
    const widgetIds = [...this.byWidget.entries()]
      .filter(([, set]) => [...set][0]?.workspaceId === workspaceId)
      .map(([widgetId]) => widgetId);
    for (const widgetId of widgetIds) await this.refreshWidget(widgetId);
  }

  private async refreshWidget(widgetId: string): Promise<void> {
    let feed: BuiltFeed;
    try {
      feed = await this.feeds.load(widgetId);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'not_found') throw error;
      // The widget was deleted: say so, and close its streams (the browser stops there).
      for (const connection of this.byWidget.get(widgetId) ?? []) {
        this.write(connection, 'event: gone\ndata: {}\n\n');
        connection.response.end();
      }
      return;
    }
    // Connections showing the same build get the same event, computed once.
    const events = new Map<BuiltFeed, FeedEvent>();
    for (const connection of this.byWidget.get(widgetId) ?? []) {
      if (connection.feed.contentVersion >= feed.contentVersion) continue;
      let event = events.get(connection.feed);
      if (!event) events.set(connection.feed, (event = diffFeeds(connection.feed, feed)));
      this.send(connection, feed, event);
    }
  }

  private send(connection: Connection, feed: BuiltFeed, event: FeedEvent): void {
    connection.feed = feed;
    if (event.type === 'none') return;
    const data =
      event.type === 'change'
        ? changeData(feed, event)
        : event.type === 'reset'
          ? this.feeds.page(feed).body.toString('utf8')
          : JSON.stringify({ version: feed.contentVersion });
    this.write(connection, `id: ${feed.contentVersion}\nevent: ${event.type}\ndata: ${data}\n\n`);
  }

  private write(connection: Connection, chunk: string): void {
    const { response } = connection;
    if (response.writableEnded || response.destroyed) return;
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      response.destroy();
      return;
    }
    response.write(chunk);
  }
}
