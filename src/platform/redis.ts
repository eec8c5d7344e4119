import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/** A slow or absent Redis must not hold a request: commands give up after this long. */
const COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * The one Redis connection of a process. It connects on first use, so commands that
 * never need Redis (the CLI) open nothing; while Redis is away, commands fail at once
 * instead of queueing, and callers fall back. One warning per outage, not per command.
 */
export class RedisConnection {
  readonly client: Redis;
  private connecting: Promise<void> | undefined;
  private failing = false;

  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    this.client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
    });
    this.client.on('error', (error: Error) => this.markFailing(error));
    this.client.on('ready', () => {
      if (!this.failing) return;
      this.failing = false;
      this.log.info('redis connection restored');
    });
  }

  /** The client, connected (or connecting again after an outage). */
  async ready(): Promise<Redis> {
    // After a failed first attempt ioredis keeps reconnecting by itself; until it is back,
    // commands fail at once (no offline queue) and the caller falls back.
    if (this.client.status === 'wait') {
      this.connecting ??= this.client.connect().finally(() => (this.connecting = undefined));
    }
    if (this.connecting) await this.connecting;
    return this.client;
  }

  /** Records a failed command or connection; logs only the first of an outage. */
  markFailing(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.log.warn({ err: error }, 'redis unavailable');
  }

  async close(): Promise<void> {
    const { status } = this.client;
    if (status === 'wait' || status === 'end') return;
    if (status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
      return;
    }
    this.client.disconnect();
  }
}
