import type { Services } from '../platform/context.js';
import { contentChangesOf } from '../workspaces/store.js';
import type { PublicFeeds } from './feed.js';
import { CONTENT_CHANNEL } from './live-announce.js';

/** A subscription that failed (Redis away or slow at start-up) is tried again this often. */
export const RESUBSCRIBE_MS = 2_000;

export interface FeedInvalidation {
  /** Settles once other processes' announcements reach this cache, or once stopped. */
  listening: Promise<void>;
  stop(): void;
}

/**
 * Keeps `feeds` from serving a build older than a change it could know of. A commit in
 * this process invalidates the workspace's feeds before transaction() returns. Changes
 * are also announced on CONTENT_CHANNEL (live-announce.ts, for the live streams); with
 * Redis those announcements from other processes invalidate here as they arrive. Without
 * Redis, or while the subscription is down or a message is lost, the version re-read
 * every FEED_RECHECK_MS is what bounds a change made elsewhere.
 */
export function invalidateFeedsOnChange(services: Services, feeds: PublicFeeds): FeedInvalidation {
  const stopCommits = services.onCommit((trx) => {
    for (const workspaceId of contentChangesOf(trx)) feeds.invalidate(workspaceId);
  });
  const subscription = subscribeUntilStopped(services, (workspaceId) =>
    feeds.invalidate(workspaceId),
  );
  return {
    listening: subscription.listening,
    stop() {
      stopCommits();
      subscription.stop();
    },
  };
}

/** Subscribes to CONTENT_CHANNEL, trying again after a failure; warns once, not per try. */
function subscribeUntilStopped(services: Services, handler: (workspaceId: string) => void) {
  let stopped = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let settle!: () => void;
  const listening = new Promise<void>((resolve) => (settle = resolve));

  const attempt = () => {
    services.pubsub.subscribe(CONTENT_CHANNEL, handler).then(
      (off) => {
        unsubscribe = off;
        if (stopped) void off();
        settle();
      },
      (error: unknown) => {
        if (stopped) return;
        const level = failures++ === 0 ? 'warn' : 'debug';
        services.log[level]({ err: error, failures }, 'widget feed change subscription failed');
        retry = setTimeout(attempt, RESUBSCRIBE_MS);
        retry.unref();
      },
    );
  };
  attempt();

  return {
    listening,
    stop() {
      stopped = true;
      clearTimeout(retry);
      void unsubscribe?.();
      settle();
    },
  };
}
