import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import type { MessageHandler, PubSub } from './pubsub.js';
import type { RedisConnection } from './redis.js';

/**
 * Redis PUBLISH/SUBSCRIBE. A connection in subscriber mode can run no other command, so
 * subscriptions get a second connection, made on the first subscribe and kept (ioredis
 * re-subscribes after a reconnect). Channels carry the key prefix, so deployments and
 * test runs sharing one Redis never hear each other. When a publish cannot reach Redis
 * the message still reaches this process's own subscribers.
 */
export class RedisPubSub implements PubSub {
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    try {
      const client = await this.connection.ready();
      await client.publish(this.prefix + channel, message);
    } catch (error) {
      this.connection.markFailing(error);
      this.deliver(this.prefix + channel, message);
    }
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const name = this.prefix + channel;
    let handlers = this.handlers.get(name);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(name, handlers);
      try {
        await this.subscriberConnection().subscribe(name);
      } catch (error) {
        // Forget it, so that the next subscribe tries again.
        this.handlers.delete(name);
        throw error;
      }
    }
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
    };
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.handlers.clear();
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
    await this.connection.close();
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      // Its own offline queue on: a subscribe issued while connecting waits instead of failing.
      const subscriber = this.connection.client.duplicate({
        enableOfflineQueue: true,
        lazyConnect: false,
      });
      subscriber.on('error', (error: Error) => this.connection.markFailing(error));
      subscriber.on('message', (channel: string, message: string) =>
        this.deliver(channel, message),
      );
      this.subscriber = subscriber;
      this.log.debug({ prefix: this.prefix }, 'redis subscriber connecting');
    }
    return this.subscriber;
  }

  private deliver(channel: string, message: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(message);
      } catch (error) {
        this.log.error({ err: error, channel }, 'pubsub handler failed');
      }
    }
  }
}
