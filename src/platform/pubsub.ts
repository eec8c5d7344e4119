import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { RedisConnection } from './redis.js';
import { RedisPubSub } from './pubsub-redis.js';

export type MessageHandler = (message: string) => void;

/**
 * Fire-and-forget messages between the processes of one deployment (live widget
 * updates). At most once: a message sent while a subscriber is reconnecting is lost, so
 * a user of it must also have a slower way to catch up (the widget stream polls).
 */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes this handler. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** One process: messages reach this process's subscribers, a turn of the event loop later. */
export class MemoryPubSub implements PubSub {
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  async publish(channel: string, message: string): Promise<void> {
    const handlers = this.handlers.get(channel);
    if (!handlers) return;
    for (const handler of [...handlers]) setImmediate(() => handler(message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    let handlers = this.handlers.get(channel);
    if (!handlers) this.handlers.set(channel, (handlers = new Set()));
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

/** Redis when REDIS_URL is set (connecting on first use), else this process's memory. */
export function openPubSub(
  config: Pick<Config, 'redisUrl' | 'redisKeyPrefix'>,
  log: Logger,
): PubSub {
  if (!config.redisUrl) return new MemoryPubSub();
  return new RedisPubSub(new RedisConnection(config.redisUrl, log), config.redisKeyPrefix, log);
}
