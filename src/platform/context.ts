import type { Transaction } from 'kysely';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { Database } from './db/schema.js';
import type { JobQueue } from './jobs.js';
import type { Logger } from './logger.js';
import type { MetricsRegistry } from './metrics.js';
import type { Mailer } from './mail/mailer.js';
import type { Outbox } from './outbox.js';
import type { PubSub } from './pubsub.js';
import type { RateLimitStore } from './rate-limit.js';
import type { SecretBox } from './secret-box.js';
import type { Clock } from './time.js';

export type CommitListener = (trx: Transaction<Database>) => void;

/** Everything a feature's service needs, built once by the server and handed down. */
export interface Services {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  jobs: JobQueue;
  outbox: Outbox;
  secrets: SecretBox;
  /** Rate-limit counters: in memory, or in Redis when REDIS_URL is set. Closed on shutdown. */
  rateLimits: RateLimitStore;
  /** Messages between processes (live widget updates): Redis with REDIS_URL, else memory. */
  pubsub: PubSub;
  /** Sends (or, without SMTP_URL, keeps) email; every message is stored in `emails`. */
  mailer: Mailer;
  /** Runs fn in one transaction, then wakes the job worker for whatever it enqueued. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` after each transaction() commits, with the transaction that did, so
   * in-memory state can follow what it changed; returns the function that stops it.
   */
  onCommit(listener: CommitListener): () => void;
  /** This process's Prometheus metrics, served at /metrics. */
  metrics: MetricsRegistry;
  /** Registers something to release at shutdown (an HTTP agent, a pool), after jobs stop. */
  onClose(hook: () => Promise<void> | void): void;
  /** Runs the onClose hooks, newest first; the server and test harness call it once. */
  runCloseHooks(): Promise<void>;
}
